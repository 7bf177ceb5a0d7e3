import ArgumentParser

/// Parses `--seed` values. ArgumentParser takes a token such as "-1" for an option name and then reports only
/// "Missing value for '--seed'", so seed options read the next token whatever it looks like and say what a seed is.
enum SeedArgument {
    static func parse(_ text: String) throws -> UInt64 {
        guard let value = UInt64(text) else {
            throw ValidationError("'\(text)' is not a seed: a seed is a whole number from 0 to \(UInt64.max), e.g. --seed 2024")
        }
        return value
    }
}
