import Foundation

/// TensorFlow Lite behind the format seam: a FlatBuffer whose file identifier (bytes 4 to 8) is `TFL3`, or a
/// `.tflite` name when the bytes cannot tell.
public struct TFLiteFormat: ModelFormat {
    public var name: String { "a TensorFlow Lite model (.tflite)" }
    public var reads: String? { "TensorFlow Lite .tflite models" }

    public init() {}

    public func recognise(_ probe: FileProbe) -> Recognition? {
        if probe.starts(with: Array("TFL3".utf8), at: 4) { return .byContent }
        return probe.fileExtension == "tflite" ? .byName : nil
    }

    /// The weights the file's buffers hold, read by the operators that keep where they lie (`FileWeights`).
    public func weights(_ probe: FileProbe, for model: Model) throws -> WeightStore? {
        try WeightStore.fromModelFile(model)
    }

    public func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel {
        try TFLiteImporter.load(path: probe.path, options: options)
    }
}

/// `.tflite` files into netviz graphs (Docs/counting.md, "TensorFlow Lite"). The file is mapped, not read: the
/// summary touches the FlatBuffer's tables, and weights are read only by `verify`. Every failure is one
/// `NetVizError.file` line naming the file.
public enum TFLiteImporter {
    public static func load(path: String, options: ImportOptions = ImportOptions()) throws -> ImportedModel {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw NetVizError.file(path: path, message: "cannot be read")
        }
        return try importBytes(data, file: path, options: options)
    }

    /// Imports a file's bytes held in memory; `file` names it in errors and is where `verify` reads weights from.
    public static func importBytes(_ data: Data, file: String, options: ImportOptions = ImportOptions()) throws -> ImportedModel {
        try data.withUnsafeBytes { raw in
            let contents: TFLiteFile
            do {
                contents = try TFLiteFile.read(raw, fileSize: Int64(raw.count))
            } catch let failure as FlatBuffer.Failure {
                throw NetVizError.file(path: file, message: failure.message)
            }
            var builder = TFLiteGraphBuilder(file: contents, bytes: raw, path: file, options: options)
            do {
                return ImportedModel(model: try builder.build())
            } catch let error as NetVizError {
                switch error {
                case .file: throw error
                case let .layer(name, className, message):
                    throw NetVizError.file(path: file, message: "operator '\(name)' (\(className)): \(message)")
                case let .graph(message): throw NetVizError.file(path: file, message: "model: \(message)")
                default: throw NetVizError.file(path: file, message: error.description)
                }
            } catch let problem as LayerProblem {
                throw NetVizError.file(path: file, message: problem.message)
            }
        }
    }
}
