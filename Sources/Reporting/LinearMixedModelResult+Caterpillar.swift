import Models
import Output
import Privacy

/// The caterpillar plot of `fit lmm --plot F.svg` (F-ranef.svg): each grouping factor's conditional modes with
/// ±1.96 conditional-SD intervals, sorted, as lme4's `dotplot(ranef(fit, condVar = TRUE))`. A level is labelled
/// only when it has at least the small-cell rule's count of rows (DESIGN.md §9, `SmallCellSuppressor.defaultMinimum`);
/// smaller levels are drawn without a name.
extension LinearMixedModelResult {
    /// One plot per grouping factor and effect, named for the file: `ranef` when the model has one grouping factor
    /// with one effect, otherwise `ranef-GROUP` (intercepts) and `ranef-GROUP-EFFECT`. Empty without conditional modes.
    public func caterpillarPlots(minimumLabelledRows: Int = SmallCellSuppressor.defaultMinimum) -> [(name: String, plot: Plot)] {
        ConditionalModePlots.caterpillars(conditionalModes, formula: formula, minimumLabelledRows: minimumLabelledRows)
    }
}
