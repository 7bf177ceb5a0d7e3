import DataTable
/// De-identification guard (identifier detection) and small-cell suppression.
public enum Privacy {}
