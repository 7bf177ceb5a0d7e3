/// Account numbers, vehicle identifiers and street addresses in text cells.
enum AccountAndAddressMatchers {
    // MARK: Payment card numbers

    /// A payment card number: 13–19 contiguous digits, or 4-4-4-4 / 4-6-5 groups split by spaces or hyphens,
    /// starting 2–6 (the card networks' ranges) and passing the Luhn check.
    static func matchCardNumber(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard s[i] >= UInt8(ascii: "2") && s[i] <= UInt8(ascii: "6") else { return nil }
        var digits: [UInt8] = []
        var groupLengths: [Int] = []
        var j = i
        var separator: UInt8?
        while j < hi {
            let (_, end) = ByteMatching.digitRun(s, j, hi)
            guard end > j else { break }
            groupLengths.append(end - j)
            for k in j..<end { digits.append(s[k] &- 48) }
            j = end
            guard j + 1 < hi, s[j] == ByteMatching.space || s[j] == ByteMatching.hyphen, s[j + 1].isDigit,
                  separator == nil || separator == s[j], groupLengths.count < 5 else { break }
            separator = s[j]
            j += 1
        }
        let shapeOK = groupLengths.count == 1 ? (13...19).contains(digits.count)
            : groupLengths == [4, 4, 4, 4] || groupLengths == [4, 6, 5]
        guard shapeOK, j >= hi || !s[j].isAlnum, passesLuhn(digits) else { return nil }
        return j
    }

    static func passesLuhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (position, digit) in digits.reversed().enumerated() {
            var d = Int(digit)
            if position % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }

    static func passesLuhn(_ value: Int) -> Bool {
        var digits: [UInt8] = []
        var v = value
        while v > 0 {
            digits.append(UInt8(v % 10))
            v /= 10
        }
        return passesLuhn(digits.reversed())
    }

    // MARK: IBAN

    /// An IBAN: two letters, two check digits, 11–30 letters or digits, optionally in groups of four separated
    /// by single spaces, with the ISO 13616 mod-97 check equal to 1.
    static func matchIBAN(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard i + 15 <= hi, s[i].isUpper, s[i + 1].isUpper, s[i + 2].isDigit, s[i + 3].isDigit else { return nil }
        var characters: [UInt8] = []
        var j = i
        var end = i
        while j < hi && characters.count < 34 {
            if s[j].isDigit || s[j].isUpper {
                characters.append(s[j])
                j += 1
                end = j
            } else if s[j] == ByteMatching.space && j + 1 < hi && (s[j + 1].isDigit || s[j + 1].isUpper)
                        && (characters.count % 4 == 0) {
                j += 1
            } else {
                break
            }
        }
        guard (15...34).contains(characters.count), end >= hi || !s[end].isAlnum else { return nil }
        let rearranged = characters[4...] + characters[0..<4]
        var remainder = 0
        for c in rearranged {
            if c.isDigit {
                remainder = (remainder * 10 + Int(c &- 48)) % 97
            } else {
                remainder = (remainder * 100 + Int(c &- 55)) % 97
            }
        }
        return remainder == 1 ? end : nil
    }

    // MARK: VIN

    /// A 17-character vehicle identification number: upper-case letters (never I, O or Q) and digits, with at
    /// least three of each. Checked as a whole cell only (weak: a majority of the column must look like this).
    static func isVehicleIdentificationNumber(_ s: Bytes, _ lo: Int, _ hi: Int) -> Bool {
        guard hi - lo == 17 else { return false }
        var letters = 0
        var digits = 0
        for k in lo..<hi {
            let b = s[k]
            if b.isDigit {
                digits += 1
            } else if b.isUpper && b != UInt8(ascii: "I") && b != UInt8(ascii: "O") && b != UInt8(ascii: "Q") {
                letters += 1
            } else {
                return false
            }
        }
        return letters >= 3 && digits >= 3
    }

    // MARK: Street addresses

    /// A house number (1–5 digits, optionally a letter: `12a`, `221B`), then one to four capitalised words of which the last is
    /// a street type (`12 High Street`, `136 Baker Pines`, `4 Elm Ave.`). At least one name word is required,
    /// so `12 Street` or `3 Park` alone do not match.
    static func matchStreetAddress(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        let (_, numberEnd) = ByteMatching.digitRun(s, i, hi)
        guard (1...5).contains(numberEnd - i) else { return nil }
        var j = numberEnd
        // The letter in either case: UK exports write `221B Baker Street` and `12a Church Lane`.
        if j < hi && s[j].isLetter && (j + 1 >= hi || s[j + 1] == ByteMatching.space) { j += 1 }
        var words = 0
        while words < 4, j + 1 < hi, s[j] == ByteMatching.space {
            guard let wordEnd = PersonNameMatcher.capitalisedWord(s, j + 1, hi) ?? upperCaseAbbreviation(s, j + 1, hi)
            else { return nil }
            words += 1
            if words >= 2 && streetTypeWords.contains(s, j + 1, wordEnd) {
                var end = wordEnd
                if end < hi && s[end] == ByteMatching.dot { end += 1 }
                return end
            }
            j = wordEnd
        }
        return nil
    }

    private static func upperCaseAbbreviation(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        var j = i
        while j < hi, s[j].isUpper { j += 1 }
        guard (2...4).contains(j - i), j >= hi || !s[j].isAlnum else { return nil }
        return j
    }

    static let streetTypeWords = WordSet([
        "Street", "St", "Road", "Rd", "Avenue", "Ave", "Av", "Lane", "Ln", "Drive", "Dr", "Court", "Ct", "Place",
        "Pl", "Boulevard", "Blvd", "Way", "Close", "Crescent", "Cres", "Terrace", "Ter", "Gardens", "Gdns",
        "Square", "Sq", "Parkway", "Pkwy", "Highway", "Hwy", "Circle", "Cir", "Trail", "Trl", "Row", "Mews",
        "Grove", "Hill", "Park", "Pike", "Walk", "View", "Rise", "Path", "Loop", "Ridge", "Heights", "Point",
        "Pines", "Passage", "Tunnel", "Lodge", "Crossing", "Green", "Parade", "Wharf", "Quay", "Hollow", "Meadow",
        "Meadows", "Valley", "Estates", "Village", "Plaza", "Junction", "Alley", "Expressway", "Freeway", "Ferry",
        "Ford", "Fork", "Forks", "Glen", "Harbor", "Harbour", "Haven", "Isle", "Knoll", "Landing", "Manor", "Mill",
        "Mills", "Orchard", "Oval", "Pass", "Pine", "Plains", "Port", "Prairie", "Ranch", "Shoal", "Shore",
        "Shores", "Spring", "Springs", "Station", "Stream", "Summit", "Trace", "Track", "Turnpike", "Vista", "Wall",
        "Well", "Wells", "Extension", "Cove", "Creek", "Curve", "Dale", "Dam", "Divide", "Estate", "Falls", "Field",
        "Fields", "Flat", "Flats", "Fort", "Gateway", "Inlet", "Island", "Islands", "Lake", "Lakes", "Light",
        "Lights", "Locks", "Mall", "Mount", "Mountain", "Neck", "Overpass", "Ramp", "Rapids", "Rest", "Route",
        "Shoals", "Squares", "Throughway", "Villages", "Ville", "Ways", "Corner", "Corners", "Course", "Courts",
        "Cliff", "Cliffs", "Club", "Common", "Commons", "Crest", "Drives", "Garden", "Greens", "Groves", "Harbors",
        "Hills", "Keys", "Knolls", "Lock", "Loaf", "Motorway", "Parks", "Plain", "Points", "Radial", "Roads",
        "Skyway", "Spur", "Stravenue", "Streets", "Trafficway", "Underpass", "Unions", "Viaduct", "Views", "Vistas",
        "Burg", "Burgs", "Bypass", "Camp", "Canyon", "Cape", "Causeway", "Center", "Centers", "Crossroad",
        "Crossroads", "Fall",
    ])
}
