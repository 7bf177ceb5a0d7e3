import ArgumentParser
import Foundation
import Models
import Output
import Reporting

/// `alliance compare a.json b.json [c.json …]`: likelihood-ratio tests of nested fits with an AIC/BIC table, as
/// R's anova(). REML fits are refitted by ML from the data and call they record (anova's `refit = TRUE`), unless
/// `--reml` compares fits that differ only in their random effects on the REML criterion (`refit = FALSE`).
public struct CompareCommand: AllianceSubcommand {
    public static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare nested fits (fit … --format json --out a.json): likelihood-ratio tests, AIC and BIC, as R's anova().",
        discussion: """
            Fits are ordered by their number of parameters and each is tested against the one before by 2 Δ log-likelihood \
            on χ²(Δ npar). They must be nested: the same data file (by SHA-256), outcome and rows, the smaller fit's fixed \
            effects among the larger's, and its random effects part of the larger's. ols, logit, poisson and negbin fits \
            compare within their family; an ols fit compares with an lmm fit of the same fixed effects (is there a \
            therapist effect?). REML lmm fits are refitted by maximum likelihood, as anova() does, from the data file \
            they recorded (it must be unchanged); --reml compares REML fits that differ only in random effects on their \
            REML criteria (anova(refit = FALSE)). A test of a variance against zero is on the boundary: anova's p is then \
            conservative, and where one random effect is added the χ² mixture p is given too.
            """
    )

    @Argument(help: "Two or more fit results written by `alliance fit … --format json --out FILE.json`.")
    public var fits: [String] = []

    @Flag(name: .long, help: "Compare REML fits that differ only in their random effects by REML (anova(refit = FALSE)) instead of refitting by ML.")
    public var reml = false

    @OptionGroup public var output: OutputOptions

    public init() {}

    public var outputOptions: OutputOptions? { output }

    public func execute(in context: RunContext) throws -> CommandReport {
        guard fits.count >= 2 else {
            throw CLIError.usage("compare needs two or more fit results, e.g. `alliance compare small.json large.json`")
        }
        var models: [ComparedModel] = []
        var calls: [String: [String]] = [:]
        for file in fits {
            let json = try context.readJSONSideInput(file) {
                "\(file): not a JSON fit result (\($0)); write one with `alliance fit … --format json --out \(file)`"
            }
            do { models.append(try ComparedModel(json: json, name: file)) } catch { throw CLIError.data(error.description) }
            if let call = json["call"]?.arrayValue?.compactMap(\.stringValue) { calls[file] = call }
        }
        let refit = !reml && models.contains { $0.reml }
        if refit {
            // The nesting checks first (on the fits as they will be compared), so that a set that is not nested is
            // refused before any data is read; then each REML fit is refitted by ML.
            let asML = models.map { $0.refitted(logLikelihood: $0.logLikelihood, parameterCount: $0.parameterCount) }
            do { _ = try ModelComparison.nestedOrder(asML, reml: false) } catch {
                throw CLIError.data("cannot compare: \(error.description)")
            }
            for (i, m) in models.enumerated() where m.reml {
                models[i] = try refitByML(m, call: calls[m.name], in: context)
            }
        }
        let result = try compare(models, reml: reml, refit: refit)
        return CommandReport(result.report())
    }

    private func compare(_ models: [ComparedModel], reml: Bool, refit: Bool) throws -> ModelComparisonResult {
        do {
            return try ModelComparison.compare(models, reml: reml, refitML: refit)
        } catch {
            throw CLIError.data("cannot compare: \(error.description)")
        }
    }

    /// The REML fit refitted by ML from the call it recorded: the same file (unchanged), options and formula.
    private func refitByML(_ model: ComparedModel, call: [String]?, in context: RunContext) throws -> ComparedModel {
        let fitFile = model.name
        guard let call, call.count >= 3, call[0] == "fit", call[1] == "lmm" else {
            throw CLIError.data("\(fitFile) is a REML fit without the \"call\" that refits it by ML (fits saved before compare existed); "
                                + "fit it again with --ml, or with this version of alliance, and compare again")
        }
        let dataFile = model.dataFile
        guard dataFile != "-" && dataFile != "<stdin>" else {
            throw CLIError.data("\(fitFile) was fitted to standard input, so compare cannot refit it by ML; fit it from a file, or with --ml")
        }
        let path = try locate(dataFile, fitFile: fitFile, in: context)
        var command: FitCommand
        do { command = try FitCommand.parse(Array(call.dropFirst())) } catch {
            throw CLIError.data("\(fitFile): its \"call\" does not parse (\(error)); fit it again")
        }
        command.input.file = path
        command.ml = true
        command.df = MixedDegreesOfFreedom.residual.rawValue
        let (result, data) = try command.fitMixed(in: context, conditionalModes: false)
        guard try data.sha256 == model.dataDigest else {
            throw CLIError.data("\(dataFile) has changed since \(fitFile) was fitted (its SHA-256 differs), so the REML fit cannot be "
                                + "refitted by ML on the same data; restore the file, or fit the models again")
        }
        guard result.formula == model.formula, result.schema.columnNames == model.fixedColumns else {
            throw CLIError.data("\(fitFile): its \"call\" does not give the fit it describes (formula or fixed effects differ); fit it again")
        }
        guard result.rowsUsed == model.rowsUsed else {
            throw CLIError.data("the ML refit of \(fitFile) used \(result.rowsUsed) rows, the fit \(model.rowsUsed); fit the models again")
        }
        return model.refitted(logLikelihood: result.logLikelihood, parameterCount: result.parameterCount)
    }

    /// The data file a fit recorded: as written (from the current or input directory), else beside the fit's JSON.
    private func locate(_ dataFile: String, fitFile: String, in context: RunContext) throws -> String {
        let direct = context.resolveInput(dataFile)
        if FileManager.default.fileExists(atPath: direct) { return direct }
        let besideFit = ((context.resolveInput(fitFile) as NSString).deletingLastPathComponent as NSString)
            .appendingPathComponent(dataFile)
        if !dataFile.hasPrefix("/"), FileManager.default.fileExists(atPath: besideFit) { return besideFit }
        throw CLIError(.noInput, "\(fitFile) is a REML fit, and refitting it by ML (as anova() does) needs its data file '\(dataFile)', "
                       + "which is not there (looked for it from the current folder and beside \(fitFile)); run compare where you ran "
                       + "fit, restore the file, or fit the models with --ml")
    }
}
