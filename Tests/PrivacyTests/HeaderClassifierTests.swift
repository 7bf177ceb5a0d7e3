import Testing
@testable import Privacy

struct HeaderClassifierTests {
    @Test func tokenizerSplitsEveryNamingStyle() {
        #expect(HeaderClassifier.tokenize("first_name") == ["first", "name"])
        #expect(HeaderClassifier.tokenize("firstName") == ["first", "name"])
        #expect(HeaderClassifier.tokenize("First-Name") == ["first", "name"])
        #expect(HeaderClassifier.tokenize("  First Name ") == ["first", "name"])
        #expect(HeaderClassifier.tokenize("NHSNumber") == ["nhs", "number"])
        #expect(HeaderClassifier.tokenize("phq9Total") == ["phq", "9", "total"])
        #expect(HeaderClassifier.tokenize("PHQ-9 total") == ["phq", "9", "total"])
        #expect(HeaderClassifier.tokenize("ipv4") == ["ipv", "4"])
        #expect(HeaderClassifier.tokenize("") == [])
    }

    static let flagged: [(String, IdentifierKind)] = [
        ("name", .name), ("client_name", .name), ("therapistName", .name), ("FORENAME", .name),
        ("last-name", .name), ("familyName", .name), ("initials", .name),
        ("home_address", .address), ("Street Address", .address), ("County", .address), ("latitude", .address),
        ("zip_code", .postalCode), ("ZIPCODE", .postalCode), ("Post Code", .postalCode), ("zip3", .postalCode),
        ("DOB", .date), ("date_of_birth", .date), ("session_date", .date), ("intakeDate", .date),
        ("dob_month_year", .date), ("consent_date", .date), ("timestamp", .date), ("birthday", .date),
        ("phone_number", .phoneNumber), ("Telephone", .phoneNumber), ("mobile_no", .phoneNumber),
        ("tel_home", .phoneNumber), ("contact_number", .phoneNumber), ("fax_no", .faxNumber),
        ("Email Address", .emailAddress), ("E-mail", .emailAddress), ("emailAddress", .emailAddress),
        ("SSN", .socialSecurityNumber), ("national_insurance_number", .socialSecurityNumber),
        ("MRN", .medicalRecordNumber), ("hospital_number", .medicalRecordNumber),
        ("nhsNumber", .nhsNumber), ("NHS_No", .nhsNumber), ("member_id", .healthPlanNumber),
        ("bank_account", .accountNumber), ("acct", .accountNumber), ("passport_no", .licenseNumber),
        ("license_plate", .vehicleIdentifier), ("VIN", .vehicleIdentifier), ("serial_number", .deviceIdentifier),
        ("IMEI", .deviceIdentifier), ("mac_address", .deviceIdentifier), ("homepage", .url), ("URL", .url),
        ("IP", .ipAddress), ("IPv6", .ipAddress), ("ipAddress", .ipAddress), ("voice_print", .biometric),
        ("photograph", .photograph), ("profile_picture", .photograph),
    ]

    /// Headers of an ordinary psychotherapy data set: none may be flagged.
    static let clean: [String] = [
        "client", "client_id", "therapist", "therapist_code", "site", "site_name", "clinic_name", "scale_name",
        "age", "client_age", "stage", "usage", "page", "average", "phq_9_total", "PHQ9", "gad7_total",
        "wai_sr_3", "session_date_year", "dob_year", "year_of_birth", "birth_year", "intake_year",
        "session_number", "sessions", "n_phone_sessions", "phone_session", "mobile_app_use", "email_consent",
        "has_email", "address_changed", "body_image", "dropout", "homework_rate", "alliance_mean", "outcome",
        "city_size", "zip_type", "update", "validated", "ipsative", "tip", "description", "named", "rename",
        "nameless", "username_length", "group_name", "instrument_name", "mode", "licensed", "vehicle_type",
        "city_mpg", "Indicator Name", "Row.names", "vehicleSearch",
    ]

    @Test(arguments: flagged)
    func identifyingHeaderIsFlagged(_ header: String, _ kind: IdentifierKind) {
        #expect(HeaderClassifier.classify(header).kinds == [kind], "\(header)")
    }

    @Test(arguments: clean)
    func researchHeaderIsNotFlagged(_ header: String) {
        #expect(HeaderClassifier.classify(header).kinds == [], "\(header)")
    }

    @Test func longestPhraseWins() {
        // `email address` is an email column, not a postal address; `licence plate` a vehicle, not a licence.
        #expect(HeaderClassifier.classify("email_address").kinds == [.emailAddress])
        #expect(HeaderClassifier.classify("licence_plate").kinds == [.vehicleIdentifier])
        #expect(HeaderClassifier.classify("web address").kinds == [.url])
        // Two identifiers in one header give two kinds.
        #expect(HeaderClassifier.classify("name_and_phone").kinds == [.name, .phoneNumber])
    }

    @Test func ageHeaderIsRecognisedInYearsOnly() {
        #expect(HeaderClassifier.classify("age").isAgeInYears)
        #expect(HeaderClassifier.classify("AgeAtIntake").isAgeInYears)
        #expect(HeaderClassifier.classify("age_years").isAgeInYears)
        #expect(!HeaderClassifier.classify("age_months").isAgeInYears)
        #expect(!HeaderClassifier.classify("stage").isAgeInYears)
        #expect(!HeaderClassifier.classify("page_views").isAgeInYears)
    }
}
