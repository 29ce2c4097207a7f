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
