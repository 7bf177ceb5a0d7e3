/// Person-name-like text: a title before a capitalised word (`Dr Patel`, `Mrs. Jones`), a common given name
/// before a capitalised word (`Sarah Johnson`), or a whole cell `Surname, Given`. A second word that names a
/// place or organisation (`Albert Road`, `Victoria Clinic`), a month or a weekday does not count.
///
/// The given-name list is deliberately modest (common US and UK given names) and leaves out names that are
/// also ordinary capitalised words or places (May, June, Grace, Hope, Mark, Will, Jordan, Austin, Victoria,
/// Ben, …), so that notes such as "Hope Clinic", "May review" or "Ben Nevis" are not taken for names. A given
/// name after a place prefix (`San Carlos`, `St. Anthony`) or before an institution word (`George Mason Univ`)
/// does not count either.
enum PersonNameMatcher {
    /// An upper-case letter then lower-case letters (at least one), allowing `'` or `-` inside (`O'Neil`,
    /// `Smith-Jones`); not followed by a digit. Returns the index after the word.
    static func capitalisedWord(_ s: Bytes, _ i: Int, _ hi: Int) -> Int? {
        guard i < hi, s[i].isUpper else { return nil }
        var j = i + 1
        var lowers = 0
        while j < hi {
            if s[j].isLower {
                lowers += 1
                j += 1
            } else if (s[j] == UInt8(ascii: "'") || s[j] == ByteMatching.hyphen), j + 1 < hi, s[j + 1].isLetter,
                      lowers > 0 || j == i + 1 {
                j += 2
            } else {
                break
            }
        }
        guard lowers >= 1, j >= hi || !s[j].isAlnum else { return nil }
        return j
    }

    static func isGivenName(_ s: Bytes, _ from: Int, _ to: Int) -> Bool {
        givenNameWords.contains(s, from, to)
    }

    /// A name starting at `i` (see the type's documentation), in a cell starting at `lo`; returns its end.
    static func matchName(_ s: Bytes, _ lo: Int, _ i: Int, _ hi: Int) -> Int? {
        guard let firstEnd = capitalisedWord(s, i, hi), firstEnd - i <= 12 else { return nil }
        var j = firstEnd
        if titleWords.contains(s, i, firstEnd) {
            if j < hi && s[j] == ByteMatching.dot { j += 1 }
        } else if !givenNameWords.contains(s, i, firstEnd) {
            return nil
        }
        guard j + 1 < hi, s[j] == ByteMatching.space, let secondEnd = capitalisedWord(s, j + 1, hi),
              !exclusionWords.contains(s, j + 1, secondEnd), !followsPlacePrefix(s, lo, i) else { return nil }
        // `George Mason Univ`, `Alexander Hamilton High`: a named institution, not a person.
        if secondEnd + 1 < hi, s[secondEnd] == ByteMatching.space,
           let thirdEnd = capitalisedWord(s, secondEnd + 1, hi), exclusionWords.contains(s, secondEnd + 1, thirdEnd) {
            return nil
        }
        return secondEnd
    }

    /// The word before `i` makes the next words a place: `San Carlos`, `St. Anthony`, `Fort William`.
    static func followsPlacePrefix(_ s: Bytes, _ lo: Int, _ i: Int) -> Bool {
        var end = i - 1
        guard end > lo, s[end] == ByteMatching.space else { return false }
        if s[end - 1] == ByteMatching.dot { end -= 1 }
        var start = end
        while start > lo, s[start - 1].isLetter { start -= 1 }
        return start < end && placePrefixWords.contains(s, start, end)
    }

    /// The whole cell is `Surname, Given` (optionally with one more capitalised word), the given name from the list.
    static func isSurnameCommaGivenName(_ s: Bytes, _ lo: Int, _ hi: Int) -> Bool {
        guard let surnameEnd = capitalisedWord(s, lo, hi), surnameEnd + 2 < hi, s[surnameEnd] == ByteMatching.comma,
              s[surnameEnd + 1] == ByteMatching.space,
              let givenEnd = capitalisedWord(s, surnameEnd + 2, hi), isGivenName(s, surnameEnd + 2, givenEnd)
        else { return false }
        if givenEnd == hi { return true }
        guard s[givenEnd] == ByteMatching.space, let middleEnd = capitalisedWord(s, givenEnd + 1, hi) else { return false }
        return middleEnd == hi
    }

    /// The whole cell is two words in one case, `john smith` or `JOHN SMITH`, that read as a name once capitalised
    /// (`John Smith`, by `matchName`: a listed given name, a second word that is no place or institution word). Given
    /// names that are also ordinary lower-case words (`jack`, `heather`, `randy`, …) are left out of this rule.
    static func isUncasedFullName(_ s: Bytes, _ lo: Int, _ hi: Int) -> Bool {
        guard hi - lo >= 5, hi - lo <= 40, let space = (lo..<hi).first(where: { s[$0] == ByteMatching.space }) else { return false }
        var lower = false, upper = false
        for k in lo..<hi where k != space {
            let c = s[k]
            if c.isLower { lower = true } else if c.isUpper { upper = true }
            else if c != UInt8(ascii: "'") && c != ByteMatching.hyphen { return false }
        }
        guard lower != upper, space > lo, space + 1 < hi else { return false }
        var word = Array(s[lo..<hi])
        var startOfWord = true
        for k in word.indices {
            let c = word[k]
            if c == ByteMatching.space || c == ByteMatching.hyphen || c == UInt8(ascii: "'") { startOfWord = true; continue }
            word[k] = startOfWord ? (c.isLower ? c - 32 : c) : (c.isUpper ? c + 32 : c)
            startOfWord = false
        }
        return word.withUnsafeBufferPointer { b in
            guard !wordLikeGivenNameWords.contains(b, 0, space - lo) else { return false }
            return matchName(b, 0, 0, b.count) == b.count
        }
    }

    static let titleWords = WordSet(titles)
    static let wordLikeGivenNameWords = WordSet(wordLikeGivenNames)

    /// Listed given names that are also common words in lower case or capitals.
    static let wordLikeGivenNames: Set<String> = [
        "Jack", "Sally", "Heather", "Terry", "Randy", "Harry", "Jean", "Leo", "Matt", "Mike", "Billy", "Willie",
        "Ruth", "Roger", "Nick", "Luke", "Carl", "Wayne", "Bruce", "Joyce", "Frances", "Ann", "Ana", "Ali", "Wei",
        "Mei", "Ava", "Mia", "Ella", "Isla", "Sam", "Tom", "Dan", "Joe", "Chris", "Dave", "Steve", "Gary", "Kate",
        "Kelly", "Ian", "Neil", "Scott", "Martin", "Dennis", "Bryan", "Owen", "Rhys", "Faith", "Jose", "Juan",
    ]
    static let givenNameWords = WordSet(givenNames)
    static let exclusionWords = WordSet(secondWordExclusions)

    static let placePrefixWords = WordSet(placePrefixes)

    static let placePrefixes: Set<String> = [
        "San", "Santa", "Santo", "Sao", "St", "Saint", "Ste", "Fort", "Ft", "Port", "Mount", "Mt", "Lake", "Cape",
        "Rio", "Los", "Las", "El", "La", "Le", "New", "Glen", "Ben", "Loch", "Isle", "Villa", "Puerto", "Point",
    ]

    static let titles: Set<String> = ["Dr", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof"]

    static let secondWordExclusions: Set<String> = [
        "Clinic", "Centre", "Center", "Hospital", "House", "Street", "Road", "Lane", "Avenue", "Park", "Square",
        "Court", "Hall", "Place", "Way", "Unit", "Ward", "Wing", "Building", "Practice", "Surgery", "Health",
        "Medical", "Community", "Service", "Services", "Team", "Trust", "School", "College", "University",
        "Station", "Campus", "Site", "Church", "Close", "Drive", "Gardens", "Terrace", "Crescent", "Hill",
        "Green", "Village", "Town", "City", "County", "Institute", "Foundation", "Program", "Programme",
        "Project", "Group", "Therapy", "Counselling", "Counseling", "Scale", "Inventory", "Questionnaire",
        "Valley", "Lake", "Lakes", "Union", "Elementary", "Univ", "Mountain", "River", "Creek", "Beach", "Bay",
        "Heights", "Falls", "Springs", "Island", "Point", "Grove", "Ridge", "High", "Middle", "Academy",
        "Library", "Museum", "Bridge", "Mill", "Farm", "Estate", "Forest", "Woods", "Field", "Fields", "Manor",
        "Castle", "Tower", "Memorial", "Airport", "Harbour", "Harbor", "Port", "Bank", "Institution",
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ]

    static let givenNames: Set<String> = [
        // Common US and UK male given names
        "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
        "Christopher", "Daniel", "Matthew", "Anthony", "Donald", "Steven", "Paul", "Andrew", "Joshua", "Kenneth",
        "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan", "Jacob", "Gary",
        "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel",
        "Gregory", "Alexander", "Patrick", "Raymond", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam",
        "Nathan", "Henry", "Douglas", "Zachary", "Peter", "Kyle", "Noah", "Ethan", "Jeremy", "Walter", "Keith",
        "Roger", "Terry", "Sean", "Gerald", "Carl", "Harold", "Dylan", "Arthur", "Lawrence", "Jesse", "Bryan",
        "Billy", "Bruce", "Gabriel", "Joe", "Logan", "Alan", "Juan", "Albert", "Willie", "Elijah", "Wayne",
        "Randy", "Vincent", "Liam", "Oliver", "Harry", "Jack", "Charlie", "Oscar", "Leo", "Freddie", "Alfie",
        "Archie", "Theo", "Muhammad", "Mohammed", "Ahmed", "Ali", "Omar", "Ian", "Neil", "Stuart", "Graham",
        "Colin", "Simon", "Martin", "Tony", "Steve", "Dave", "Mike", "Chris", "Matt", "Tom", "Sam", "Dan",
        "Nick", "Luke", "Jamie", "Callum", "Connor", "Rhys", "Owen", "Gareth", "Hamish", "Declan", "Aidan",
        "Carlos", "Luis", "Miguel", "Pedro", "Rajesh", "Sanjay", "Wei", "Hiroshi",
        // Common US and UK female given names
        "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
        "Nancy", "Lisa", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
        "Dorothy", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia",
        "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen",
        "Samantha", "Katherine", "Christine", "Debra", "Rachel", "Catherine", "Carolyn", "Janet", "Maria",
        "Heather", "Diane", "Julie", "Olivia", "Joyce", "Kelly", "Christina", "Lauren", "Joan", "Evelyn",
        "Judith", "Megan", "Andrea", "Cheryl", "Hannah", "Jacqueline", "Martha", "Gloria", "Teresa", "Ann",
        "Sara", "Frances", "Kathryn", "Janice", "Jean", "Abigail", "Alice", "Julia", "Judy", "Sophia", "Denise",
        "Doris", "Marilyn", "Danielle", "Beverly", "Isabella", "Theresa", "Diana", "Natalie", "Brittany",
        "Charlotte", "Marie", "Kayla", "Alexis", "Lori", "Amelia", "Isla", "Ava", "Mia", "Ella", "Sophie",
        "Chloe", "Lucy", "Freya", "Ellie", "Zoe", "Fiona", "Claire", "Clare", "Gemma", "Kirsty", "Nicola",
        "Joanne", "Tracey", "Wendy", "Gillian", "Alison", "Lindsay", "Louise", "Kate", "Katie", "Jane", "Jenny",
        "Sally", "Ruth", "Esther", "Fatima", "Aisha", "Priya", "Yasmin", "Leah", "Molly", "Siobhan", "Niamh",
        "Sinead", "Bethan", "Ana", "Lucia", "Mei", "Yuki",
    ]
}

/// A set of ASCII words looked up straight from bytes, bucketed by length and first byte, so that checking a
/// word in a million free-text cells allocates nothing.
struct WordSet: Sendable {
    private let buckets: [[[UInt8]]]

    init(_ words: Set<String>) {
        var buckets = [[[UInt8]]](repeating: [], count: 16 * 128)
        for word in words.sorted() {
            let bytes = Array(word.utf8)
            guard let key = WordSet.key(count: bytes.count, first: bytes.first) else { continue }
            buckets[key].append(bytes)
        }
        self.buckets = buckets
    }

    private static func key(count: Int, first: UInt8?) -> Int? {
        guard let first, count < 16, first < 128 else { return nil }
        return count * 128 + Int(first)
    }

    func contains(_ s: Bytes, _ from: Int, _ to: Int) -> Bool {
        guard to > from, let key = WordSet.key(count: to - from, first: s[from]) else { return false }
        candidates: for word in buckets[key] {
            for k in 1..<word.count where word[k] != s[from + k] { continue candidates }
            return true
        }
        return false
    }
}
