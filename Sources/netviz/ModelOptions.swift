import ArgumentParser
import Foundation
import NetViz

/// How a command names its model: a zoo name (default `mobilenet`) with the zoo's options, or a model file.
struct ModelOptions: ParsableArguments {
    @Argument(help: "A zoo model (see `netviz models`), or a model file (\(ModelFormats.readable)).")
    var model: String = "mobilenet"

    @Flag(name: .customLong("allow-unknown"), help: "Import unknown Keras classes as shape-preserving with 0 params and MACs.")
    var allowUnknown = false

    @Flag(name: .customLong("show-constants"), help: "ONNX files: list Constant nodes and shape arithmetic as rows (evaluated and hidden by default).")
    var showConstants = false

    @OptionGroup var zoo: ZooOptionGroup

    var modelSource: ModelSource { ModelSource(model) }

    /// The model: from the zoo, or read from a file.
    /// `expandNested` lists nested models' layers after their row (`--expand-nested`).
    func load(expandNested: Bool = false, indentNested: Bool = true) throws -> Model {
        try Self.load(
            modelSource, zoo: zoo.zooOptions(), allowUnknown: allowUnknown, showConstants: showConstants, expandNested: expandNested,
            indentNested: indentNested)
    }

    /// The model's counts, with the file named in any error found while counting.
    func statistics(expandNested: Bool = false, indentNested: Bool = true) throws -> ModelStatistics {
        let model = try load(expandNested: expandNested, indentNested: indentNested)
        return try modelSource.located { try ModelStatistics(model) }
    }

    static func load(
        _ source: ModelSource, zoo: ZooOptions, allowUnknown: Bool = false, showConstants: Bool = false,
        expandNested: Bool = false, indentNested: Bool = true
    ) throws -> Model {
        var options = ImportOptions()
        options.allowUnknown = allowUnknown
        options.showConstants = showConstants
        let imported = try source.load(zoo: zoo, options: options)
        return expandNested ? imported.model.expandingNested(indent: indentNested) : imported.model
    }
}

extension GlobalPoolingChoice: ExpressibleByArgument {}
extension SummaryFormat: ExpressibleByArgument {}
