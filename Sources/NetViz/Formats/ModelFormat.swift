import Foundation

/// One model file format (Netron's `match` and `open`): it recognises its files by their first bytes (and, where
/// bytes cannot tell, by name) and reads one into a `Model`. Each format lives in a folder of its own under
/// Formats/; `ModelFormats.all` lists them.
public protocol ModelFormat: Sendable {
    /// What a file of this format is, for messages: "a Keras 3 model (.keras archive or model.to_json() config)".
    var name: String { get }
    /// What netviz reads of this format ("Keras 3 .keras archives and model.to_json() .json configs"), or nil
    /// for a format netviz recognises but does not read yet.
    var reads: String? { get }
    /// How this file is recognised as this format, or nil when it is not.
    func recognise(_ probe: FileProbe) -> Recognition?
    /// The model in the probed file. Every failure is one `NetVizError.file` line naming the file.
    func load(_ probe: FileProbe, options: ImportOptions) throws -> ImportedModel
    /// The weights the file carries for `model` (the model `load` made of it), keyed `"<layer>/<weight>"` as
    /// `WeightStore` is; nil when the format carries none (a config). A weight missing or of the wrong shape is
    /// one `NetVizError.file` line naming the layer.
    func weights(_ probe: FileProbe, for model: Model) throws -> WeightStore?
}

extension ModelFormat {
    public func weights(_ probe: FileProbe, for model: Model) throws -> WeightStore? { nil }
}

/// How sure a recognition is: a signature in the bytes beats a file name.
public enum Recognition: Int, Sendable, Comparable {
    case byName, byContent
    public static func < (a: Recognition, b: Recognition) -> Bool { a.rawValue < b.rawValue }
}

/// What a format sees of a file before it is read: its path and first bytes.
public struct FileProbe: Sendable {
    /// Enough bytes for every signature netviz checks (TFLite's is at bytes 4 to 8; protobuf fields need more).
    public static let headLength = 64

    public let path: String
    public let head: [UInt8]

    public init(path: String, head: [UInt8]) {
        self.path = path
        self.head = Array(head.prefix(Self.headLength))
    }

    /// Opens `path` and reads its first bytes; a missing, unreadable file or a directory is a `NetVizError.file`.
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NetVizError.file(path: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            if FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("saved_model.pb")) {
                throw NetVizError.file(
                    path: path,
                    message: "a TensorFlow SavedModel directory: netviz does not read SavedModels; it reads "
                        + ModelFormats.readable)
            }
            throw NetVizError.file(path: path, message: "is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw NetVizError.file(path: path, message: "cannot be read")
        }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: Self.headLength)).map { [UInt8]($0 ?? Data()) } ?? []
        self.init(path: path, head: head)
    }

    /// The file name's extension, lower case, without the dot ("" when there is none).
    public var fileExtension: String { (path as NSString).pathExtension.lowercased() }

    /// The first byte that is not JSON white space.
    var firstSignificantByte: UInt8? { head.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } }

    /// Whether the head starts with these bytes (at `offset`).
    func starts(with signature: [UInt8], at offset: Int = 0) -> Bool {
        head.count >= offset + signature.count && Array(head[offset..<offset + signature.count]) == signature
    }
}

/// How a reader treats what it does not know, and the bounds it puts on untrusted input.
public struct ImportOptions: Sendable {
    /// Import unknown classes as shape-preserving layers with 0 params and MACs (with a warning) instead of failing.
    public var allowUnknown = false
    /// Keep the nodes whose values are known while reading (ONNX's Constant nodes and shape arithmetic) as rows;
    /// by default they are evaluated and left out, as their consumers read them as constants.
    public var showConstants = false
    /// The largest config read, in bytes (a `.json` file or `config.json` inside a `.keras` archive).
    public var maxConfigBytes = 16 << 20
    /// The most layers a model (with its nested models) may have.
    public var maxLayers = 100_000
    /// The deepest nesting of sub-models.
    public var maxNesting = 8

    public init() {}
}

/// A model read from a file. What a reader lets through (unknown classes under `allowUnknown`) is in the model
/// itself, where `Lint` finds it and every report tells it once.
public struct ImportedModel: Sendable {
    public let model: Model

    public init(model: Model) { self.model = model }
}
