import Testing
@testable import Privacy

/// Cell-level content rules: each string is scanned as one text cell.
struct ContentPatternTests {
    /// Strong patterns: one cell is enough.
    static let strongPositives: [(String, IdentifierKind)] = [
        ("ann.lee@example.org", .emailAddress), ("write to j_doe+x@mail.example.co.uk today", .emailAddress),
        ("555-123-4567", .phoneNumber), ("(212) 555-0198", .phoneNumber), ("(718)555-0199", .phoneNumber),
        ("312.555.0143", .phoneNumber), ("1-202-555-0174", .phoneNumber), ("+1 917 555 0123", .phoneNumber),
        ("07700 900123", .phoneNumber), ("020 7946 0958", .phoneNumber), ("0161 496 0000", .phoneNumber),
        ("07700900123", .phoneNumber), ("+44 20 7946 0958", .phoneNumber), ("+44 (0)20 7946 0958", .phoneNumber),
        ("+447700900456", .phoneNumber), ("+61 2 9876 5432", .phoneNumber), ("+33 1 23 45 67 89", .phoneNumber),
        ("ring (020) 7946 0958 after 5", .phoneNumber),
        ("123-45-6789", .socialSecurityNumber), ("ssn 078-05-1120 on file", .socialSecurityNumber),
        ("943 476 5919", .nhsNumber), ("9434765919", .nhsNumber), ("485-777-3457", .nhsNumber),
        ("2024-03-05", .date), ("2024/3/5", .date), ("2024-03-05T10:30:00", .date), ("05/03/2024", .date),
        ("3/5/24", .date), ("5.3.2024", .date), ("12/31/2023", .date), ("5 March 2024", .date),
        ("5th Mar 2024", .date), ("05 Mar, 2024", .date), ("12-Jan-2023", .date), ("5-mar-24", .date),
        ("March 5, 2024", .date), ("Mar 5 2024", .date), ("seen on March 5th, 2024 at clinic", .date),
        ("02139-4307", .postalCode), ("Boston MA 02115", .postalCode), ("SW1A 1AA", .postalCode),
        ("EC1A1BB", .postalCode), ("lives near M1 1AE", .postalCode), ("sw1a 1aa", .postalCode),
        ("192.0.2.1", .ipAddress), ("from 203.0.113.254.", .ipAddress), ("2001:db8::1", .ipAddress),
        ("::1", .ipAddress), ("fe80::1ff:fe23:4567:890a", .ipAddress),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", .ipAddress),
        ("https://example.org/x", .url), ("see www.example.com", .url), ("HTTP://EXAMPLE.COM", .url),
        ("ftp://files.example.com/f", .url),
        ("Seen with Sarah Johnson today", .name), ("Dr Patel reviewed", .name), ("Mrs. Jones called", .name),
        ("Emily Clark", .name), ("Smith, John", .name), ("O'Neil, Mary Ann", .name), ("Liam O'Neil", .name),
        ("(214)719-1668x963", .phoneNumber), ("001-355-798-7490x606", .phoneNumber), ("+44113 496 0191", .phoneNumber),
        ("555-123-4567 ext. 12", .phoneNumber), ("0289018693", .phoneNumber), ("09098790321", .phoneNumber), ("+1-650-303-5463x31346", .phoneNumber),
        ("4111 1111 1111 1111", .accountNumber), ("card 4111111111111111 expired", .accountNumber),
        ("3782 822463 10005", .accountNumber), ("GB82 WEST 1234 5698 7654 32", .accountNumber),
        ("GB82WEST12345698765432", .accountNumber), ("DE89370400440532013000", .accountNumber),
        ("12 High Street", .address), ("lives at 136 Baker Pines", .address), ("4 Elm Ave.", .address),
        ("221B Baker Street", .address), ("10 Downing St", .address), ("Flat 2, 12a Church Lane", .address),
        // UK National Insurance numbers, and separators Word and Excel insert (session 21: all passed as clean).
        ("EJ590786C", .socialSecurityNumber), ("AB 12 34 56 C", .socialSecurityNumber), ("ni no JT123456A", .socialSecurityNumber),
        ("943\u{2013}476\u{2013}5919", .nhsNumber), ("943\u{00A0}476\u{00A0}5919", .nhsNumber), ("943\u{202F}476\u{202F}5919", .nhsNumber),
        ("020\u{2013}7946\u{2013}0958", .phoneNumber), ("07700\u{2009}900123", .phoneNumber), ("123\u{2013}45\u{2013}6789", .socialSecurityNumber),
        ("1984\u{2010}07\u{2010}12", .date), ("SW1A\u{00A0}1AA", .postalCode), ("Mary\u{00A0}Smith", .name),
        ("m\u{0430}ry@ex\u{0430}mple.com", .emailAddress), ("mary\u{FF20}example.com", .emailAddress),
        ("mary\u{200B}@example.com", .emailAddress),
    ]

    /// Weak whole-cell shapes: they flag a column only as a majority.
    static let weakPositives: [(String, IdentifierKind)] = [
        ("02139", .postalCode), ("20240305", .date), ("2024-03", .date), ("2019/12", .date), ("06/2020", .date),
        ("March 2021", .date), ("Mar-2021", .date), ("Sarah", .name), ("Mohammed", .name),
        ("1HGCM82633A004352", .vehicleIdentifier),
    ]

    /// Research values that must show nothing at all.
    static let negatives: [String] = [
        "c0042", "T07", "S-113", "2019", "north", "east", "3", "0", "7", "10", "1.5", "0.632", "3.1667", "-2.5",
        "2019/20", "2018/19", "2010/11", "2021-22", "12-15", "10/12", "1/2", "3-2-4", "S1", "GP", "CBT",
        "PHQ-9", "GAD-7", "CORE-10", "Step 2", "step 3", "Referred by GP", "Completed CBT step 2",
        "Moved to group therapy in 2021", "Scores 12-15 at intake", "Hope Clinic referral",
        "Seen at Victoria Clinic", "Review in May", "Attended 10/12 sessions", "PHQ-9 improved by 6 points",
        "individual", "group", "phone", "video", "Discharged after 8 sessions", "v1.2.3", "10:30", "10:30:00",
        "1::2", "ratio 3:2", "000-12-3456", "666-12-3456", "912-34-5678", "123-00-4567", "123-45-0000",
        "9434765918", "2024-02-30", "2023-13-01", "31/13/2024", "32/01/2024", "1/2/3",
        "123-456-7890", "(055) 123-4567", "+1 2 3 4 5 6 7 8", "12345678", "999", "1234", "123456",
        "Mark scheme", "James Street", "Albert Road", "Week 12", "Session 4", "Sarah",
        "email", "see notes", "N/A", "NA", "withheld", "Hope", "May", "June 2024 review",
        // Decimal numbers whose digit runs look like NHS or phone numbers (found in a reference fixture).
        "3183098598.4671478", "-3183098598.4671478", "448600.02630573971", "0.07700900123", "1.5e+299",
        "2.5550198e-05",
        "4111111111111112", "GB82WEST12345698765433", "3 Group Sessions", "12 Step Programme", "12 Points",
        "Scored 12 Points", "1234567890123", "c0042 x12", "T07x3",
        // Places and institutions named after people (found in R datasets).
        "San Carlos Elementary", "Santa Barbara", "St. Anthony East", "Rio Linda Union", "George Mason Univ",
        "Alexander Valley Union Elementary", "Ben Nevis", "Half Ben Nevis", "Fort William",
        // Not National Insurance numbers: excluded prefixes and suffixes, lower case, longer codes; other scripts kept.
        "QQ123456C", "GB123456A", "AB123456E", "ab123456c", "AB1234567C", "AB123456CD", "Москва", "Θεραπεία",
        "12\u{2013}15", "Step\u{00A0}2",
    ]

    @Test(arguments: strongPositives)
    func strongPatternIsFound(_ text: String, _ kind: IdentifierKind) {
        let evidence = TextContentScanner.scan(text)
        #expect(evidence.strong.kinds == [kind], "\(text): \(evidence.strong.kinds), weak \(evidence.weak.kinds)")
    }

    @Test(arguments: weakPositives)
    func weakShapeIsFound(_ text: String, _ kind: IdentifierKind) {
        let evidence = TextContentScanner.scan(text)
        #expect(evidence.strong.kinds == [], "\(text): strong \(evidence.strong.kinds)")
        #expect(evidence.weak.kinds == [kind], "\(text): \(evidence.weak.kinds)")
    }

    @Test(arguments: negatives)
    func researchValueShowsNothing(_ text: String) {
        let evidence = TextContentScanner.scan(text)
        let tolerated: Set<String> = ["Sarah", "June 2024 review"]  // weak or nothing: checked below
        if tolerated.contains(text) {
            #expect(evidence.strong.kinds == [], "\(text): \(evidence.strong.kinds)")
        } else {
            #expect(evidence.all.kinds == [], "\(text): strong \(evidence.strong.kinds), weak \(evidence.weak.kinds)")
        }
    }

    @Test func numberFailingTheNHSCheckIsNotAnNHSNumber() {
        // Same digits as a valid NHS number but the last one changed: in 3-3-4 groups it is still shaped like a
        // North American telephone number, so it is reported as that and not as an NHS number.
        #expect(TextContentScanner.scan("943 476 5918").strong.kinds == [.phoneNumber])
        #expect(TextContentScanner.scan("9434765918").all.kinds == [])
    }

    @Test("NHS numbers with any run of spaces or hyphens between the 3-3-4 groups, with the check digit")
    func nhsNumberWithPaddedGroups() {
        for text in ["943  476  5919", "943   476 5919", "943 - 476 - 5919", "943--476--5919", "NHS: 943  476  5919."] {
            #expect(TextContentScanner.scan(text).strong.kinds == [.nhsNumber], "\(text)")
        }
        // The check digit still decides; a group of the wrong length is no NHS number.
        #expect(!TextContentScanner.scan("943  476  5918").strong.kinds.contains(.nhsNumber))
        #expect(!TextContentScanner.scan("943  4765  919").strong.kinds.contains(.nhsNumber))
        #expect(!TextContentScanner.scan("9434  765  919").strong.kinds.contains(.nhsNumber))
    }

    @Test("a whole cell of two words in lower case or capitals that reads as a name once capitalised")
    func uncasedFullNames() {
        for text in ["john smith", "JOHN SMITH", "sarah o'neil", "MARGARET THATCHER-JONES", "emily  brown".replacingOccurrences(of: "  ", with: " ")] {
            #expect(TextContentScanner.scan(text).strong.kinds == [.name], "\(text)")
        }
        for text in ["albert road", "ALBERT ROAD", "jack pine", "heather moor", "HOPE CLINIC", "mark scheme",
                     "strongly agree", "not at all", "john", "john smith jones", "john 2", "JOHN smith", "emily march"] {
            #expect(!TextContentScanner.scan(text).strong.kinds.contains(.name), "\(text)")
        }
    }

    @Test func nhsCheckDigitFollowsTheModulus11Rule() {
        // 943 476 591: 9·10 + 4·9 + 3·8 + 4·7 + 7·6 + 6·5 + 5·4 + 9·3 + 1·2 = 299; 299 mod 11 = 2; 11 − 2 = 9.
        #expect(ByteMatching.isValidNHSNumber(9_434_765_919))
        #expect(!ByteMatching.isValidNHSNumber(9_434_765_910))
        // Remainder 0 gives check digit 0 (11 → 0): 401 023 213 → sum 154 = 14·11.
        #expect(ByteMatching.isValidNHSNumber([4, 0, 1, 0, 2, 3, 2, 1, 3, 7]) == true)
        // A check value of 10 means no valid number exists with that stem: 987 654 321 has sum 330 − … → 10.
        let stem = [9, 8, 7, 6, 5, 4, 3, 2, 1]
        let sum = zip(stem, (2...10).reversed()).reduce(0) { $0 + $1.0 * $1.1 }
        if 11 - sum % 11 == 10 {
            for last in 0...9 { #expect(!ByteMatching.isValidNHSNumber(stem + [last])) }
        }
    }
}
