import Foundation

/// How the importer treats what it does not know, and the bounds it puts on untrusted input.
public struct KerasImportOptions: Sendable {
    /// Import unknown classes as shape-preserving layers with 0 params and MACs (with a warning) instead of failing.
    public var allowUnknown = false
    /// The largest config read, in bytes (a `.json` file or `config.json` inside a `.keras` archive).
    public var maxConfigBytes = 16 << 20
    /// The most layers a model (with its nested models) may have.
    public var maxLayers = 100_000
    /// The deepest nesting of sub-models.
    public var maxNesting = 8

    public init() {}
}

/// An imported model and what the importer has to say about it (unknown classes it let through).
public struct ImportedModel: Sendable {
    public let model: Model
    public let warnings: [String]
}

/// Keras 3 model files into netviz graphs: the JSON of `model.to_json()` and `.keras` archives
/// (Docs/keras-import.md). Every failure is one `NetVizError.file` line naming the file and, where there is one,
/// the layer.
public enum KerasImporter {
    /// Reads a `.json` config or a `.keras` archive (recognised by content, not by extension).
    public static func load(path: String, options: KerasImportOptions = KerasImportOptions()) throws -> ImportedModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NetVizError.file(path: path, message: "no such file")
        }
        guard !isDirectory.boolValue else { throw NetVizError.file(path: path, message: "is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NetVizError.file(path: path, message: "cannot be read")
        }
        let prefix = (try? handle.read(upToCount: 4)).map { [UInt8]($0 ?? Data()) } ?? []
        try? handle.close()
        let bytes: [UInt8]
        if KerasArchive.looksLikeZip(prefix) {
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
        return try importConfig(bytes, file: path, options: options)
    }

    /// Imports a file's bytes held in memory: a `.keras` archive (by its ZIP signature) or config JSON.
    public static func importFile(
        _ bytes: [UInt8], file: String, options: KerasImportOptions = KerasImportOptions()
    ) throws -> ImportedModel {
        guard KerasArchive.looksLikeZip(Array(bytes.prefix(4))) else { return try importConfig(bytes, file: file, options: options) }
        do {
            return try importConfig(
                KerasArchive.configJSON(bytes: bytes, limit: options.maxConfigBytes), file: file, options: options)
        } catch let error as KerasArchive.Failure {
            throw NetVizError.file(path: file, message: error.message)
        }
    }

    /// Imports the JSON text of `model.to_json()` (or a `.keras` archive's `config.json`); `file` names it in errors.
    public static func importConfig(
        _ bytes: [UInt8], file: String, options: KerasImportOptions = KerasImportOptions()
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
        do {
            let model = try importer.model(json, depth: 0)
            return ImportedModel(model: model, warnings: [])
        } catch let error as NetVizError {
            throw importer.located(error)
        } catch let problem as LayerProblem {
            throw NetVizError.file(path: file, message: problem.message)
        }
    }
}
