import DataTable
/// Instrument scoring keys (as data), reliability, reliable and clinically significant change.
public enum Measures {}
