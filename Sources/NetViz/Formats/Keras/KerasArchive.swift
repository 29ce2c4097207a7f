/// A `.keras` archive (a ZIP file): its `config.json`, read without reading the weights beside it.
enum KerasArchive {
    static func configJSON(at path: String, limit: Int) throws(ZipFile.Failure) -> [UInt8] {
        try configJSON(in: ZipFile(path: path), limit: limit)
    }

    /// The same, from an archive in memory (tests and the fuzzer).
    static func configJSON(bytes: [UInt8], limit: Int) throws(ZipFile.Failure) -> [UInt8] {
        try ZipFile.withArchive(bytes: bytes) { (archive) throws(ZipFile.Failure) in try configJSON(in: archive, limit: limit) }
    }

    /// The archive's `model.weights.h5` (Keras 3's weights, read by `KerasH5.archiveWeights`), nil when it has none.
    static func weightsH5(at path: String, limit: Int) throws(ZipFile.Failure) -> [UInt8]? {
        try ZipFile(path: path).contents(of: "model.weights.h5", limit: limit)
    }

    /// The shape of every variable in the archive's `model.weights.h5` by its HDF5 path (`layers/scale/vars/0`),
    /// nil when it has none: the params of a layer read without its code (`CustomLayer`).
    static func variableShapes(at path: String) throws -> [String: [Int]]? {
        let found: [UInt8]?
        do {
            found = try weightsH5(at: path, limit: Limits.weightsFileBytes)
        } catch {
            throw NetVizError.file(path: path, message: error.message)
        }
        guard let bytes = found else { return nil }
        return try KerasH5.located(path) { try HDF5File.withFile(bytes: bytes) { try KerasH5.variableShapes($0) } }
    }

    /// The same for an archive in memory (tests and the fuzzer), read in this process.
    static func variableShapes(bytes: [UInt8], file: String) throws -> [String: [Int]]? {
        let found: [UInt8]?
        do {
            found = try ZipFile.withArchive(bytes: bytes) { (archive) throws(ZipFile.Failure) in
                try archive.contents(of: "model.weights.h5", limit: Limits.weightsFileBytes)
            }
        } catch {
            throw NetVizError.file(path: file, message: error.message)
        }
        guard let weights = found else { return nil }
        return try KerasH5.located(file) { try HDF5File.withFile(bytes: weights) { try KerasH5.variableShapes($0) } }
    }

    private static func configJSON(in archive: ZipFile, limit: Int) throws(ZipFile.Failure) -> [UInt8] {
        guard let bytes = try archive.contents(of: "config.json", limit: limit) else {
            let names = archive.names(limit: 6)
            let listed = names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
            throw ZipFile.Failure(
                message: "not a Keras archive: a ZIP file without config.json (it holds \(names.isEmpty ? "nothing" : listed))")
        }
        return bytes
    }
}
