import ArgumentParser
import Foundation
import Simulation

extension SimulateCommand {
    /// The trial parameters from the options simulate shares with the clinic study (their defaults agree).
    var trialParameters: TrialParameters {
        TrialParameters(clients: clients, therapists: therapists, seed: seed, teletherapyShare: teletherapyShare)
    }

    /// `simulate --trial --out DIR`: writes DIR/trial.csv (Simulation.simulateTrial).
    func executeTrial(in context: RunContext) throws -> CommandReport {
        let p = trialParameters
        let trial: SimulatedTrial
        do {
            trial = try simulateTrial(p)
        } catch {
            throw CLIError.usage(error.description)
        }
        context.recordSeed(p.seed)
        let directory = context.resolveOutput(out)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CLIError(.cannotCreate, "cannot create the output directory \(directory): \(error.localizedDescription)")
        }
        let path = try context.writeFile(trial.csv(), to: (directory as NSString).appendingPathComponent("trial.csv"))
        return CommandReport(trial.report(trialFile: path))
    }
}
