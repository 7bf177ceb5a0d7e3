import Output

extension RunContext {
    /// Reads a file a command takes beside its data (a fit result, a site summary, a scoring key, a labels file) as
    /// the data are read: resolved against the input directory, and recorded with its size and SHA-256 for the
    /// manifest. Errors: 66 when it cannot be read.
    func readSideInput(_ file: String) throws -> (path: String, bytes: [UInt8]) {
        let path = resolveInput(file)
        let bytes = try DataInput.readBytes(path)
        recordInput(path: path, digest: FileDigest(bytes: bytes))
        return (path, bytes)
    }

    /// A side input that must be JSON; `notJSON` words the data error (65) from the parser's message.
    func readJSONSideInput(_ file: String, notJSON: (String) -> String) throws -> JSONValue {
        let bytes = try readSideInput(file).bytes
        do { return try JSONValue(parsing: bytes) } catch {
            throw CLIError.data(notJSON(error.description))
        }
    }
}
