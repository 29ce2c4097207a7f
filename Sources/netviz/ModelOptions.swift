import ArgumentParser
import NetViz

/// How a command names its model: a zoo name (default `mobilenet`) and the zoo's options.
struct ModelOptions: ParsableArguments {
    @Argument(help: "A zoo model (see `netviz models`).")
    var model: String = "mobilenet"

    @Option(parsing: .unconditional, help: "Width multiplier alpha (MobileNet).")
    var alpha: Double?

    @Option(parsing: .unconditional, help: "Input resolution (height = width).")
    var resolution: Int?

    @Option(name: .customLong("depth-multiplier"), parsing: .unconditional, help: "Depthwise depth multiplier (MobileNet).")
    var depthMultiplier: Int?

    @Option(parsing: .unconditional, help: "Number of classes.")
    var classes: Int?

    @Flag(inversion: .prefixedNo, help: "Include the classifier on top.")
    var includeTop: Bool = true

    @Option(parsing: .unconditional, help: "Dropout rate before the classifier.")
    var dropout: Double?

    @Option(help: "Global pooling when the top is left out: avg or max.")
    var pooling: GlobalPoolingChoice?

    func zooOptions() -> ZooOptions {
        var options = ZooOptions()
        if let alpha { options.alpha = alpha }
        if let resolution { options.resolution = resolution }
        if let depthMultiplier { options.depthMultiplier = depthMultiplier }
        if let classes { options.classes = classes }
        options.includeTop = includeTop
        if let dropout { options.dropout = dropout }
        options.pooling = pooling
        return options
    }

    func load() throws -> Model {
        if model.hasSuffix(".json") || model.hasSuffix(".keras") || model.contains("/") {
            throw NetVizError.file(path: model, message: "reading Keras model files is not available in this version yet; use a zoo model (netviz models)")
        }
        return try Zoo.build(model, zooOptions())
    }
}

extension GlobalPoolingChoice: ExpressibleByArgument {}
extension SummaryFormat: ExpressibleByArgument {}
