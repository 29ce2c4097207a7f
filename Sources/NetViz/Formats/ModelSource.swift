import Foundation

/// What a command names as its model: a zoo name or the path of a model file. The one way in for every command:
/// the CLI never guesses a format; the formats recognise files by content (`ModelFormats`).
public enum ModelSource: Sendable, Equatable {
    case zoo(String)
    case file(String)

    /// A zoo name is a zoo model; a path (with a `/` or an extension, or an existing file) is a file; anything
    /// else is taken as a zoo name, so a typo gets the zoo's list rather than "no such file".
    public init(_ argument: String) {
        if Zoo.names.contains(argument) {
            self = .zoo(argument)
        } else if argument.contains("/") || !(argument as NSString).pathExtension.isEmpty
            || FileManager.default.fileExists(atPath: argument)
        {
            self = .file(argument)
        } else {
            self = .zoo(argument)
        }
    }

    /// The zoo name, or the file's name without its folder.
    public var label: String {
        switch self {
        case .zoo(let name): name
        case .file(let path): (path as NSString).lastPathComponent
        }
    }

    /// Builds the zoo model with `zoo`, or reads the file with `options`. A file takes no zoo option (given at any
    /// value), and `allowUnknown` applies to files only.
    public func load(zoo: ZooOptions = ZooOptions(), options: ImportOptions = ImportOptions()) throws -> ImportedModel {
        switch self {
        case .zoo(let name):
            if options.allowUnknown {
                throw NetVizError.invalidSetting(name: "allow_unknown", message: "applies only to model files")
            }
            if options.showConstants {
                throw NetVizError.invalidSetting(name: "show_constants", message: "applies only to ONNX files")
            }
            return ImportedModel(model: try Zoo.build(name, zoo))
        case .file(let path):
            if let option = zoo.givenInOrder.first {
                throw NetVizError.invalidSetting(
                    name: option.rawValue, message: "applies only to zoo models, not to the file \(path)")
            }
            return try ModelFormats.load(path: path, options: options)
        }
    }

    /// The weights a model file carries for `model` (a `.keras` archive's, an `.h5` model's), nil for a config or
    /// a zoo model.
    public func fileWeights(for model: Model) throws -> WeightStore? {
        guard case .file(let path) = self else { return nil }
        return try ModelFormats.weights(path: path, for: model)
    }

    /// Runs `body` on this source's model, naming the file in any error it throws (an overflow found while
    /// counting, say), as every error from reading the file does.
    public func located<T>(_ body: () throws -> T) throws -> T {
        guard case .file(let path) = self else { return try body() }
        do {
            return try body()
        } catch let error as NetVizError {
            if case .file = error { throw error }
            throw NetVizError.file(path: path, message: error.description)
        }
    }
}
