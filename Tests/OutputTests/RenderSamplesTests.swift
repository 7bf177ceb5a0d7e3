import Foundation
import Testing
import Output

/// Writes every sample plot to $ALLIANCE_PLOT_DIR (when set) for visual inspection.
@Test func writeSamplePlotsForInspection() throws {
    guard let directory = ProcessInfo.processInfo.environment["ALLIANCE_PLOT_DIR"] else { return }
    for (name, plot) in SamplePlots.all {
        try FileOutput.writeAtomically(plot.svg(), to: directory + "/" + name + ".svg", refusing: [])
    }
}
