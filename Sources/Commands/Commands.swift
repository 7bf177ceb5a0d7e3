import ArgumentParser
/// One type per CLI subcommand, as a library, so the notebook runner can call commands in-process.
public enum Commands {}
