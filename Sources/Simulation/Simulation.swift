import DataTable
import Distributions
/// A seeded multilevel generator (therapists → clients → sessions) calibrated to published findings.
public enum Simulation {}
