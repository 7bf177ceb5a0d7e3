import Testing
import Output

@Suite struct NiceTicksTests {
    @Test func linearTicksUseNiceSteps() {
        #expect(NiceTicks.linear(0, 1, target: 5) == [0, 0.25, 0.5, 0.75, 1])
        #expect(NiceTicks.linear(0, 1, target: 6) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(NiceTicks.linear(-1, 21, target: 5) == [0, 5, 10, 15, 20])
        #expect(NiceTicks.linear(0.21, 0.35, target: 4) == [0.25, 0.3, 0.35])
        #expect(NiceTicks.linear(-3.2, 7.9, target: 6) == [-2, 0, 2, 4, 6])
        #expect(NiceTicks.linear(0, 10, target: 5) == [0, 2.5, 5, 7.5, 10])
        #expect(NiceTicks.linear(1990, 2031, target: 5) == [1990, 2000, 2010, 2020, 2030])
        #expect(NiceTicks.linear(1991, 2031, target: 5) == [2000, 2010, 2020, 2030])
    }

    @Test func linearTicksAreExactDecimalsInsideTheDomain() {
        let ticks = NiceTicks.linear(0.05, 0.95, target: 9)
        #expect(ticks == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
        for (low, high, target) in [(-0.013, 0.021, 5), (1e-6, 3e-6, 4), (-1e9, 3e9, 7), (99.9, 100.1, 3)] {
            let ticks = NiceTicks.linear(low, high, target: target)
            #expect(ticks.count >= 2)
            #expect(ticks.allSatisfy { $0 >= low && $0 <= high })
        }
    }

    @Test func degenerateDomainsDoNotTrap() {
        #expect(NiceTicks.linear(3, 3, target: 5) == [3])
        #expect(NiceTicks.linear(.nan, 1, target: 5).isEmpty)
        #expect(NiceTicks.log10(-1, 10, target: 5).isEmpty)
        // A subnormal span: span / target underflows to 0 (log10 = -inf); the bounds come back instead of a trap.
        #expect(NiceTicks.linear(0, 5e-324, target: 5) == [0, 5e-324])
        #expect(NiceTicks.linear(1e-323, 2e-323, target: 5).count >= 2)
        #expect(!NiceTicks.log10(5e-324, 1e-300, target: 5).isEmpty)
    }

    @Test func logTicksArePowersOrOneTwoFive() {
        #expect(NiceTicks.log10(0.3, 12, target: 5) == [0.5, 1, 2, 5, 10])
        #expect(NiceTicks.log10(0.001, 1000, target: 7) == [0.001, 0.01, 0.1, 1, 10, 100, 1000])
        #expect(NiceTicks.log10(0.001, 1000, target: 4) == [0.01, 1, 100])
        #expect(NiceTicks.log10(0.45, 5.5, target: 5) == [0.5, 1, 2, 5])
    }

    @Test func labelsShowJustEnoughDecimals() {
        #expect(NiceTicks.labels([0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"])
        #expect(NiceTicks.labels([-10, 0, 10]) == ["-10", "0", "10"])
        #expect(NiceTicks.labels([0.5, 1, 2], uniform: false) == ["0.5", "1", "2"])
        #expect(NiceTicks.labels([0.3]) == ["0.3"])
    }

    /// Session 20: Unix seconds 1700000000…1700000003 were labelled 1700000000 | 1700000000 | 1700000001 | … (each tick
    /// within 1e-9 relative of its label, the neighbours equal).
    @Test func largeValuesWithASmallStepKeepDistinctLabels() {
        let ticks = NiceTicks.linear(1_700_000_000, 1_700_000_003, target: 6)
        let labels = NiceTicks.labels(ticks)
        #expect(Set(labels).count == labels.count, "\(labels)")
        #expect(NiceTicks.labels([1_700_000_000, 1_700_000_000.5, 1_700_000_001]) == ["1700000000.0", "1700000000.5", "1700000001.0"])
        #expect(NiceTicks.labels([1_000_000.001, 1_000_000.002]) == ["1000000.001", "1000000.002"])
    }
}
