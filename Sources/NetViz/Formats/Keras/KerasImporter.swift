import Foundation

/// The Keras format behind the format seam: `.keras` archives (by their ZIP signature) and `model.to_json()`
/// configs (by a leading `{` or `[`, or a `.json`/`.keras` name when the bytes cannot tell).
public struct KerasFormat: ModelFormat {
    public var name: String { "a Keras 3 model (.keras archive or model.to_json() config)" }
    public var reads: String? { "Keras .keras archives and model.to_json() .json configs (Keras 3 and 2)" }

    public init() {}

    public func recognise(_ probe: FileProbe) -> Recognition? {
        if ZipFile.looksLikeZip(probe.head) { return .byContent }
        if let first = probe.firstSignificantByte, first == UInt8(ascii: "{") || first == UInt8(ascii: "[") { return .byContent }
        return ["json", "keras"].contains(probe.fileExtension) ? .byName : nil
    }

    public func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel {
        try KerasImporter.load(probe, options: options)
    }

    /// A `.keras` archive's `model.weights.h5` (Keras 3's layout); a config carries no weights.
    public func weights(_ probe: FileProbe, for model: Model) throws -> WeightStore? {
        guard ZipFile.looksLikeZip(probe.head) else { return nil }
        if HDF5Isolation.isInstalled { return try KerasH5.isolatedWeights(probe.path, for: model) }
        let found: [UInt8]?
        do {
            found = try KerasArchive.weightsH5(at: probe.path, limit: Limits.weightsFileBytes)
        } catch {
            throw NetVizError.file(path: probe.path, message: error.message)
        }
        // An archive saved without weights is verified on seeded ones, as a config is.
        guard let bytes = found else { return nil }
        return try KerasH5.located(probe.path) {
            try HDF5File.withFile(bytes: bytes) { try KerasH5.archiveWeights($0, for: model) }
        }
    }
}

/// Keras 3 model files into netviz graphs: the JSON of `model.to_json()` and `.keras` archives
/// (Docs/keras-import.md). Every failure is one `NetVizError.file` line naming the file and, where there is one,
/// the layer.
public enum KerasImporter {
    /// Reads a `.json` config or a `.keras` archive (told apart by content, not by extension).
    public static func load(path: String, options: ImportOptions = ImportOptions()) throws -> ImportedModel {
        try load(FileProbe(path: path), options: options)
    }

    static func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel {
        let path = probe.path
        let bytes: [UInt8]
        var variables: (() throws -> [String: [Int]]?)? = nil
        if ZipFile.looksLikeZip(probe.head) {
            variables = {
                guard HDF5Isolation.isInstalled else { return try KerasArchive.variableShapes(at: path) }
                return try HDF5Isolation.run(.variables, path: path).map { try KerasH5.decodeShapes($0, path: path) }
            }
            do {
                bytes = try KerasArchive.configJSON(at: path, limit: options.maxConfigBytes)
            } catch {
                throw NetVizError.file(path: path, message: error.message)
            }
        } else {
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            guard size <= Int64(options.maxConfigBytes) else {
                throw NetVizError.file(
                    path: path,
                    message: "the config is \(size) bytes; netviz reads configs of at most \(options.maxConfigBytes) bytes")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw NetVizError.file(path: path, message: "cannot be read")
            }
            guard data.count <= options.maxConfigBytes else {
                throw NetVizError.file(path: path, message: "the config is larger than \(options.maxConfigBytes) bytes")
            }
            bytes = [UInt8](data)
        }
        return try importConfig(bytes, file: path, options: options, variables: variables)
    }

    /// Imports a file's bytes held in memory: a `.keras` archive (by its ZIP signature) or config JSON.
    public static func importFile(
        _ bytes: [UInt8], file: String, options: ImportOptions = ImportOptions()
    ) throws -> ImportedModel {
        guard ZipFile.looksLikeZip(bytes) else { return try importConfig(bytes, file: file, options: options) }
        let config: [UInt8]
        do {
            config = try KerasArchive.configJSON(bytes: bytes, limit: options.maxConfigBytes)
        } catch {
            throw NetVizError.file(path: file, message: error.message)
        }
        return try importConfig(config, file: file, options: options) {
            try KerasArchive.variableShapes(bytes: bytes, file: file)
        }
    }

    /// Imports the JSON text of `model.to_json()` (or a `.keras` archive's `config.json`); `file` names it in errors.
    public static func importConfig(
        _ bytes: [UInt8], file: String, options: ImportOptions = ImportOptions(),
        variables: (() throws -> [String: [Int]]?)? = nil
    ) throws -> ImportedModel {
        guard bytes.count <= options.maxConfigBytes else {
            throw NetVizError.file(path: file, message: "the config is larger than \(options.maxConfigBytes) bytes")
        }
        let json: JSON
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            let kind = bytes.isEmpty ? "is empty, not" : "is not valid"
            throw NetVizError.file(path: file, message: "\(kind) JSON: \(error.message) at byte \(error.offset)")
        }
        var importer = KerasGraphReader(file: file, options: options)
        importer.readVariableShapes = variables
        do {
            let model = try importer.model(json, depth: 0)
            return ImportedModel(model: model)
        } catch let error as NetVizError {
            throw importer.located(error)
        } catch let problem as LayerProblem {
            throw NetVizError.file(path: file, message: problem.message)
        }
    }
}
