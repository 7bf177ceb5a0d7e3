/// Recognises identifier-like column names.
///
/// A header is split into lowercase word tokens (`firstName`, `first_name`, `first-name`, `First Name` all give
/// `first name`; letters and digits separate too, so `phq9` is `phq 9`) and matched against whole-token phrases,
/// longest first, so `email address` is an email column and not a postal address, and `phq_9_total`,
/// `stage` or `usage` never match `age`. Substrings never match.
enum HeaderClassifier {
    struct Result: Equatable {
        var tokens: [String]
        var kinds: [IdentifierKind]
        /// The header says the column holds ages (`age`, `age_at_intake`), in years.
        var isAgeInYears: Bool
    }

    static func classify(_ header: String) -> Result {
        let tokens = tokenize(header)
        let tokenSet = Set(tokens)
        var kinds: [IdentifierKind] = []
        var start = 0
        while start < tokens.count {
            var best: Phrase?
            for phrase in phrasesByFirstWord[tokens[start]] ?? [] where phrase.words.count <= tokens.count - start {
                if zip(phrase.words, tokens[start...]).allSatisfy({ $0 == $1 }) {
                    best = phrase  // candidates are longest first
                    break
                }
            }
            if let best {
                if applies(best, tokens: tokenSet) && !kinds.contains(best.kind) { kinds.append(best.kind) }
                start += best.words.count
            } else {
                start += 1
            }
        }
        let ageInYears = tokenSet.contains("age") && tokenSet.isDisjoint(with: ageUnitsOtherThanYears)
        return Result(tokens: tokens, kinds: kinds.sorted(), isAgeInYears: ageInYears)
    }

    /// Lowercase word tokens: splits on non-alphanumerics, lower→upper case changes, acronym ends
    /// (`NHSNumber` → `nhs number`) and letter↔digit changes.
    static func tokenize(_ header: String) -> [String] {
        var tokens: [String] = []
        var current: [Character] = []
        let characters = Array(header)
        func flush() {
            if !current.isEmpty { tokens.append(String(current).lowercased()) }
            current.removeAll(keepingCapacity: true)
        }
        for (i, ch) in characters.enumerated() {
            guard ch.isLetter || ch.isNumber else { flush(); continue }
            if let previous = current.last {
                let next: Character? = i + 1 < characters.count ? characters[i + 1] : nil
                let caseRise = previous.isLowercase && ch.isUppercase
                let acronymEnd = previous.isUppercase && ch.isUppercase && (next?.isLowercase ?? false)
                let kindChange = previous.isNumber != ch.isNumber
                if caseRise || acronymEnd || kindChange { flush() }
            }
            current.append(ch)
        }
        flush()
        return tokens
    }

    // MARK: - Phrase table

    enum Guard {
        /// Always applies.
        case none
        /// A column *about* the identifier rather than holding it (`phone_sessions`, `has_email`) is not flagged.
        case notMeta
        /// `name` alone: not when the header names a thing rather than a person (`site_name`, `scale_name`).
        case personName
        /// Dates: not when the header says the column is coarsened to the year (`session_date_year`).
        case notYearOnly
    }

    struct Phrase {
        let words: [String]
        let kind: IdentifierKind
        let guardRule: Guard
    }

    static func applies(_ phrase: Phrase, tokens: Set<String>) -> Bool {
        switch phrase.guardRule {
        case .none:
            return true
        case .notMeta:
            return tokens.isDisjoint(with: metaQualifiers)
        case .personName:
            return tokens.isDisjoint(with: nonPersonQualifiers) && tokens.isDisjoint(with: metaQualifiers)
        case .notYearOnly:
            return tokens.isDisjoint(with: yearWords) || !tokens.isDisjoint(with: finerThanYearWords)
        }
    }

    private static func p(_ text: String, _ kind: IdentifierKind, _ guardRule: Guard = .notMeta) -> Phrase {
        Phrase(words: text.split(separator: " ").map(String.init), kind: kind, guardRule: guardRule)
    }

    /// Phrases by their first word, longest first: a header costs a few dictionary look-ups (a file may have
    /// tens of thousands of columns).
    static let phrasesByFirstWord: [String: [Phrase]] = Dictionary(grouping: phrases, by: { $0.words[0] })
        .mapValues { $0.sorted { $0.words.count > $1.words.count } }

    /// Every phrase, each a sequence of whole tokens. Longer phrases win over shorter ones at the same position.
    static let phrases: [Phrase] = [
        // Names (Safe Harbor 1)
        p("name", .name, .personName), p("names", .name, .personName),
        p("first name", .name), p("firstname", .name), p("forename", .name), p("forenames", .name),
        p("given name", .name), p("givenname", .name), p("last name", .name), p("lastname", .name),
        p("surname", .name), p("family name", .name), p("familyname", .name), p("full name", .name),
        p("fullname", .name), p("middle name", .name), p("maiden name", .name), p("initials", .name),
        p("username", .name), p("nickname", .name), p("next of kin", .name), p("nok", .name),
        p("emergency contact", .name),
        // Geography smaller than a state (2)
        p("address", .address), p("addr", .address), p("street", .address), p("street address", .address),
        p("house number", .address), p("city", .address), p("town", .address), p("village", .address),
        p("county", .address), p("neighbourhood", .address), p("neighborhood", .address), p("suburb", .address),
        p("precinct", .address), p("locality", .address), p("lsoa", .address), p("msoa", .address),
        p("census tract", .address), p("geocode", .address), p("latitude", .address), p("longitude", .address),
        p("lat", .address), p("lon", .address), p("lng", .address), p("gps", .address),
        p("coordinates", .address), p("geolocation", .address), p("home address", .address),
        p("zip", .postalCode), p("zipcode", .postalCode), p("zip code", .postalCode), p("postcode", .postalCode),
        p("post code", .postalCode), p("postal code", .postalCode), p("postalcode", .postalCode),
        p("postcodes", .postalCode), p("zip codes", .postalCode),
        // Dates (3); ages over 89 are found from content, see `isAgeInYears`
        p("date", .date, .notYearOnly), p("dates", .date, .notYearOnly), p("dob", .date, .notYearOnly),
        p("d o b", .date, .notYearOnly),
        p("date of birth", .date, .notYearOnly), p("birth date", .date, .notYearOnly),
        p("birthdate", .date, .notYearOnly), p("birthday", .date, .notYearOnly), p("dod", .date, .notYearOnly),
        p("date of death", .date, .notYearOnly), p("death date", .date, .notYearOnly),
        p("datetime", .date, .notYearOnly), p("timestamp", .date, .notYearOnly),
        p("time stamp", .date, .notYearOnly),
        // Telephone and fax (4, 5)
        p("phone", .phoneNumber), p("phones", .phoneNumber), p("telephone", .phoneNumber),
        p("tel", .phoneNumber), p("mobile", .phoneNumber), p("cellphone", .phoneNumber),
        p("cell phone", .phoneNumber), p("landline", .phoneNumber), p("phonenumber", .phoneNumber),
        p("contact number", .phoneNumber), p("pager", .phoneNumber),
        p("fax", .faxNumber), p("facsimile", .faxNumber), p("fax number", .faxNumber),
        // Email (6)
        p("email", .emailAddress), p("emails", .emailAddress), p("e mail", .emailAddress),
        p("email address", .emailAddress), p("e mail address", .emailAddress), p("emailaddress", .emailAddress),
        // Social security / national insurance (7)
        p("ssn", .socialSecurityNumber), p("social security", .socialSecurityNumber),
        p("social security number", .socialSecurityNumber), p("national insurance", .socialSecurityNumber),
        p("national insurance number", .socialSecurityNumber), p("nino", .socialSecurityNumber),
        p("ni number", .socialSecurityNumber), p("national id", .socialSecurityNumber),
        p("ni no", .socialSecurityNumber), p("ni num", .socialSecurityNumber), p("tax id", .socialSecurityNumber),
        p("taxpayer id", .socialSecurityNumber), p("tax number", .socialSecurityNumber),
        // Medical record numbers (8) and the NHS number
        p("mrn", .medicalRecordNumber), p("medical record", .medicalRecordNumber),
        p("medical records", .medicalRecordNumber), p("medical record number", .medicalRecordNumber),
        p("record number", .medicalRecordNumber), p("record no", .medicalRecordNumber),
        p("hospital number", .medicalRecordNumber), p("chart number", .medicalRecordNumber),
        p("chi number", .medicalRecordNumber),
        p("nhs number", .nhsNumber), p("nhs no", .nhsNumber), p("nhs num", .nhsNumber), p("nhs id", .nhsNumber),
        p("nhs nr", .nhsNumber), p("nhsnumber", .nhsNumber), p("nhsno", .nhsNumber),
        // Health plan beneficiary numbers (9)
        p("health plan", .healthPlanNumber), p("insurance number", .healthPlanNumber),
        p("insurance id", .healthPlanNumber), p("member id", .healthPlanNumber),
        p("member number", .healthPlanNumber), p("policy number", .healthPlanNumber),
        p("beneficiary", .healthPlanNumber), p("subscriber id", .healthPlanNumber),
        p("medicaid id", .healthPlanNumber), p("medicaid number", .healthPlanNumber),
        p("medicare id", .healthPlanNumber), p("medicare number", .healthPlanNumber),
        // Account numbers (10)
        p("account number", .accountNumber), p("account no", .accountNumber), p("account num", .accountNumber),
        p("account id", .accountNumber), p("acct", .accountNumber), p("bank account", .accountNumber),
        p("iban", .accountNumber), p("sort code", .accountNumber), p("card number", .accountNumber),
        p("credit card", .accountNumber),
        // Certificate / licence numbers (11)
        p("licence number", .licenseNumber), p("license number", .licenseNumber),
        p("licence no", .licenseNumber), p("license no", .licenseNumber), p("licence", .licenseNumber),
        p("license", .licenseNumber), p("driver license", .licenseNumber), p("drivers license", .licenseNumber),
        p("driving licence", .licenseNumber), p("certificate number", .licenseNumber),
        p("passport", .licenseNumber), p("passport number", .licenseNumber),
        // Vehicle identifiers (12)
        p("vehicle", .vehicleIdentifier), p("vin", .vehicleIdentifier), p("licence plate", .vehicleIdentifier),
        p("license plate", .vehicleIdentifier), p("number plate", .vehicleIdentifier),
        p("plate number", .vehicleIdentifier), p("vehicle registration", .vehicleIdentifier),
        p("car registration", .vehicleIdentifier),
        // Device identifiers (13)
        p("device serial", .deviceIdentifier), p("serial number", .deviceIdentifier),
        p("serial no", .deviceIdentifier), p("device id", .deviceIdentifier),
        p("device identifier", .deviceIdentifier), p("imei", .deviceIdentifier), p("udid", .deviceIdentifier),
        p("mac address", .deviceIdentifier),
        // URLs (14)
        p("url", .url), p("urls", .url), p("uri", .url), p("website", .url), p("web site", .url),
        p("homepage", .url), p("home page", .url), p("web address", .url), p("webpage", .url),
        p("twitter", .url), p("facebook", .url), p("instagram", .url), p("linkedin", .url),
        // IP addresses (15)
        p("ip", .ipAddress), p("ip address", .ipAddress), p("ipaddress", .ipAddress), p("ipv", .ipAddress),
        p("i pv", .ipAddress),  // `IPv4` splits as I|Pv|4 under the acronym rule
        // Biometrics (16)
        p("biometric", .biometric), p("biometrics", .biometric), p("fingerprint", .biometric),
        p("finger print", .biometric), p("voiceprint", .biometric), p("voice print", .biometric),
        p("retina", .biometric), p("retinal scan", .biometric), p("iris scan", .biometric),
        // Full-face photographs (17)
        p("photo", .photograph), p("photos", .photograph), p("photograph", .photograph),
        p("headshot", .photograph), p("selfie", .photograph), p("face image", .photograph),
        p("profile picture", .photograph), p("profile image", .photograph),
    ]

    /// Tokens that make a header describe something *about* an identifier: `phone_sessions`, `n_email_contacts`,
    /// `email_consent`, `has_address`, `mobile_app_use`.
    static let metaQualifiers: Set<String> = [
        "has", "any", "n", "count", "counts", "calls", "call", "sessions", "session", "contacts", "minutes",
        "mins", "type", "mode", "modality", "consent", "consented", "provided", "available", "missing",
        "flag", "verified", "valid", "changed", "change", "opt", "preference", "pref", "use", "usage", "used",
        "access", "rate", "pct", "percent", "proportion", "prop", "freq", "frequency", "app", "reminder",
        "reminders", "delivered", "delivery", "format", "length", "len", "domain", "size",
        // Measurements of a place rather than the place (`city_mpg`, `town_population`).
        "mpg", "population", "density", "distance", "km", "miles", "search", "searched",
    ]

    /// Tokens that make `name` the name of a thing, not of a person.
    static let nonPersonQualifiers: Set<String> = [
        "site", "clinic", "service", "services", "team", "instrument", "scale", "measure", "questionnaire",
        "item", "variable", "var", "file", "group", "condition", "drug", "medication", "medicine", "program",
        "programme", "study", "trial", "centre", "center", "region", "country", "state", "practice",
        "organisation", "organization", "org", "hospital", "ward", "unit", "school", "course", "module",
        "therapy", "treatment", "intervention", "diagnosis", "test", "product", "event", "activity", "task",
        "category", "level", "code", "field", "column", "dataset", "data", "project", "protocol",
        "department", "dept", "trust", "provider", "wave", "arm", "cohort", "pathway", "modality", "step",
        "outcome", "subscale", "domain", "display", "short", "long", "label", "labels", "indicator", "row",
        "brand", "model", "species", "company", "firm", "industry", "occupation", "job",
    ]

    /// Tokens that mark a column of study identifiers (zero-padded client numbers are not ZIP codes).
    static let studyIdentifierWords: Set<String> = [
        "id", "ids", "code", "codes", "client", "participant", "subject", "case", "pid", "no", "number", "num",
        "index", "key", "seq", "sequence", "row", "patient", "person", "therapist", "clinician",
    ]

    static let yearWords: Set<String> = ["year", "years", "yr", "yrs", "yyyy"]
    static let finerThanYearWords: Set<String> = [
        "month", "months", "mon", "mm", "day", "days", "dd", "week", "weeks", "time", "hour", "quarter",
    ]
    static let ageUnitsOtherThanYears: Set<String> = ["months", "month", "weeks", "week", "days", "day", "mo", "wk"]
}
