import Testing
import DataTable

@Suite struct DecimalCutoffTests {
    @Test func sumsAndDifferencesOfDecimalsMeetTheirCutoffs() {
        #expect(8.6 + 9.7 + 9.9 + 7.8 < 36)  // the binary sum that raised the SRS alert
        #expect(DecimalCutoff.reaches(8.6 + 9.7 + 9.9 + 7.8, 36))
        #expect(8.2 - 3.2 < 5)
        #expect(DecimalCutoff.reaches(8.2 - 3.2, 5))
        #expect(DecimalCutoff.reaches((8.2 - 3.2) / (5 / 1.96), 1.96))
        // A real shortfall of the finest decimal a rating carries still falls short.
        #expect(!DecimalCutoff.reaches(35.9, 36))
        #expect(DecimalCutoff.isBelow(35.99, 36))
        #expect(!DecimalCutoff.reaches(4.9999, 5))
        #expect(DecimalCutoff.reaches(-0.0, 0) && !DecimalCutoff.reaches(-0.001, 0))
        #expect(!DecimalCutoff.reaches(.nan, 1) && DecimalCutoff.isBelow(.nan, 1))
    }
}
