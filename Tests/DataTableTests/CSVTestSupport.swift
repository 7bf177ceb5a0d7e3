@testable import DataTable

/// Reads inline CSV text through the same byte path as files.
func readCSV(_ text: String, options: CSVOptions = CSVOptions()) throws(CSVError) -> Table {
    try CSVReader.read(data: Array(text.utf8), sourceName: "test.csv", options: options)
}

func readCSV(bytes: [UInt8], options: CSVOptions = CSVOptions()) throws(CSVError) -> Table {
    try CSVReader.read(data: bytes, sourceName: "test.csv", options: options)
}

/// The error reading `text` raises, or nil if it reads cleanly.
func csvError(_ text: String, options: CSVOptions = CSVOptions()) -> CSVError? {
    csvError(bytes: Array(text.utf8), options: options)
}

func csvError(bytes: [UInt8], options: CSVOptions = CSVOptions()) -> CSVError? {
    do {
        _ = try CSVReader.read(data: bytes, sourceName: "test.csv", options: options)
        return nil
    } catch {
        return error
    }
}

extension Table {
    func numbers(_ name: String) -> [Double?]? {
        guard let c = column(named: name)?.numeric else { return nil }
        return (0..<c.count).map { c[$0] }
    }

    func strings(_ name: String) -> [String?]? {
        guard let c = column(named: name)?.categorical else { return nil }
        return (0..<c.count).map { c[$0] }
    }
}
