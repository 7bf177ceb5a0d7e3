import DataTable
import Testing

@Suite("Level spellings")
struct LevelSpellingsTests {
    @Test func caseVariantsAreTheLevelsSharingALowerCaseForm() {
        #expect(LevelSpellings.caseVariants(["North", "east", "north", "south"]) == ["North", "north"])
        #expect(LevelSpellings.caseVariants(["No", "YES", "Yes", "no", "yes"]) == ["No", "YES", "Yes", "no", "yes"])
        #expect(LevelSpellings.caseVariants(["east", "north", "south"]).isEmpty)
        #expect(LevelSpellings.caseVariants([]).isEmpty)
        // Not the same word: accents and spaces inside are kept apart.
        #expect(LevelSpellings.caseVariants(["Zoë", "zoe", "new york", "newyork"]).isEmpty)
        #expect(LevelSpellings.caseVariants(["ÉCOLE", "école"]) == ["ÉCOLE", "école"])
    }

    @Test func clauseCountsLevelsAndWords() {
        #expect(LevelSpellings.caseVariantsClause(["North", "north"])
                == "2 of its levels are one word in different capitals (as 'North' and 'north')")
        #expect(LevelSpellings.caseVariantsClause(["No", "YES", "Yes", "no", "yes"])
                == "5 of its levels are 2 words in different capitals (as 'North' and 'north')")
        #expect(LevelSpellings.caseVariantsClause(["North", "north"], named: "'North', 'north'")
                == "2 of its levels are one word in different capitals ('North', 'north')")
    }
}
