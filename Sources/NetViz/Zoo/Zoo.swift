/// The options zoo models take, with `keras.applications.MobileNet`'s defaults.
public struct ZooOptions: Sendable, Equatable {
    public var alpha: Double = 1.0
    public var resolution: Int = 224
    public var depthMultiplier: Int = 1
    public var classes: Int = 1000
    public var includeTop: Bool = true
    public var dropout: Double = 0.001
    /// Keras's `pooling` when `include_top` is false: nil, or a global pooling.
    public var pooling: GlobalPoolingChoice? = nil

    public init() {}

    /// Which options differ from the defaults, by CLI name (a model that does not take one says so;
    /// a Keras file takes none of them).
    public var changedOptionNames: [String] {
        let defaults = ZooOptions()
        var names: [String] = []
        if alpha != defaults.alpha { names.append("--alpha") }
        if resolution != defaults.resolution { names.append("--resolution") }
        if depthMultiplier != defaults.depthMultiplier { names.append("--depth-multiplier") }
        if classes != defaults.classes { names.append("--classes") }
        if includeTop != defaults.includeTop { names.append("--no-include-top") }
        if dropout != defaults.dropout { names.append("--dropout") }
        if pooling != defaults.pooling { names.append("--pooling") }
        return names
    }

    func validate() throws {
        guard alpha > 0, alpha.isFinite, alpha <= 16 else {
            throw NetVizError.invalidOption(option: "--alpha", message: "must be in (0, 16], got \(alpha)")
        }
        guard resolution > 0, resolution <= 1 << 16 else {
            throw NetVizError.invalidOption(option: "--resolution", message: "must be in [1, 65536], got \(resolution)")
        }
        guard depthMultiplier > 0, depthMultiplier <= 1024 else {
            throw NetVizError.invalidOption(
                option: "--depth-multiplier", message: "must be in [1, 1024], got \(depthMultiplier)")
        }
        guard classes > 0, classes <= 1 << 24 else {
            throw NetVizError.invalidOption(option: "--classes", message: "must be in [1, 16777216], got \(classes)")
        }
        guard dropout >= 0, dropout <= 1 else {
            throw NetVizError.invalidOption(option: "--dropout", message: "must be in [0, 1], got \(dropout)")
        }
        if pooling != nil, includeTop {
            throw NetVizError.invalidOption(option: "--pooling", message: "applies only with --no-include-top")
        }
    }
}

public enum GlobalPoolingChoice: String, Sendable, CaseIterable {
    case avg, max
}

/// One model the zoo can build.
public struct ZooEntry: Sendable {
    public let name: String
    public let summary: String
    /// The CLI options this model honours; any other changed option is an error, not silently ignored.
    public let options: Set<String>
    let make: @Sendable (ZooOptions) throws -> Model

    public func build(_ options: ZooOptions = ZooOptions()) throws -> Model {
        try options.validate()
        if let ignored = options.changedOptionNames.first(where: { !self.options.contains($0) }) {
            throw NetVizError.invalidOption(option: ignored, message: "model '\(name)' does not take this option")
        }
        return try make(options)
    }
}

/// Named models built with the Swift DSL.
public enum Zoo {
    static let mobileNetOptions: Set<String> = [
        "--alpha", "--resolution", "--depth-multiplier", "--classes", "--no-include-top", "--dropout", "--pooling",
    ]

    public static let entries: [ZooEntry] = [
        ZooEntry(
            name: "mobilenet",
            summary: "keras.applications.MobileNet (v1): depthwise-separable blocks, ReLU6, no conv bias",
            options: mobileNetOptions, make: MobileNetV1.build),
        ZooEntry(
            name: "mobilenet-article",
            summary: "the seed article's MobileNet as written: conv biases, ReLU, channels_first AvgPool2D bug",
            options: ["--resolution"], make: ArticleMobileNet.build),
        ZooEntry(
            name: "conv-mobilenet",
            summary: "the paper's Table 4 baseline: each depthwise+pointwise pair as one full 3x3 convolution",
            options: mobileNetOptions.subtracting(["--depth-multiplier"]), make: ConvMobileNet.build),
    ]

    public static var names: [String] { entries.map(\.name) }

    public static func entry(named name: String) throws -> ZooEntry {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw NetVizError.unknownModel(name: name, known: names)
        }
        return entry
    }

    public static func build(_ name: String, _ options: ZooOptions = ZooOptions()) throws -> Model {
        try entry(named: name).build(options)
    }
}
