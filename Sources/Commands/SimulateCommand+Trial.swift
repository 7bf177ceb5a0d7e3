import ArgumentParser
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
        let paths = try writeFiles([("trial.csv", trial.csv())], in: context)
        return CommandReport(trial.report(trialFile: paths[0]))
    }
}
