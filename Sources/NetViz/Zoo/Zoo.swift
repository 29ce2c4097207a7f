/// One setting a zoo model can take, by its Keras argument name.
public enum ZooOption: String, Sendable, CaseIterable {
    case alpha, resolution, classes, dropout, pooling
    case depthMultiplier = "depth_multiplier"
    case includeTop = "include_top"
}

/// The options zoo models take, with `keras.applications.MobileNet`'s defaults. Setting one marks it as given,
/// even at its default value, so a model that does not take it (or a model file) refuses it.
public struct ZooOptions: Sendable, Equatable {
    public var alpha: Double = 1.0 { didSet { given.insert(.alpha) } }
    public var resolution: Int = 224 { didSet { given.insert(.resolution) } }
    public var depthMultiplier: Int = 1 { didSet { given.insert(.depthMultiplier) } }
    public var classes: Int = 1000 { didSet { given.insert(.classes) } }
    public var includeTop: Bool = true { didSet { given.insert(.includeTop) } }
    public var dropout: Double = 0.001 { didSet { given.insert(.dropout) } }
    /// Keras's `pooling` when `include_top` is false: nil, or a global pooling.
    public var pooling: GlobalPoolingChoice? = nil { didSet { given.insert(.pooling) } }
    /// The options set, in `ZooOption.allCases` order when listed.
    public private(set) var given: Set<ZooOption> = []

    public init() {}

    /// The given options in a stable order (the first is named in errors).
    public var givenInOrder: [ZooOption] { ZooOption.allCases.filter(given.contains) }

    func validate() throws {
        guard alpha > 0, alpha.isFinite, alpha <= 16 else {
            throw NetVizError.invalidSetting(name: "alpha", message: "must be in (0, 16], got \(alpha)")
        }
        guard resolution > 0, resolution <= 1 << 16 else {
            throw NetVizError.invalidSetting(name: "resolution", message: "must be in [1, 65536], got \(resolution)")
        }
        guard depthMultiplier > 0, depthMultiplier <= 1024 else {
            throw NetVizError.invalidSetting(
                name: "depth_multiplier", message: "must be in [1, 1024], got \(depthMultiplier)")
        }
        guard classes > 0, classes <= 1 << 24 else {
            throw NetVizError.invalidSetting(name: "classes", message: "must be in [1, 16777216], got \(classes)")
        }
        guard dropout >= 0, dropout <= 1 else {
            throw NetVizError.invalidSetting(name: "dropout", message: "must be in [0, 1], got \(dropout)")
        }
        if pooling != nil, includeTop {
            throw NetVizError.invalidSetting(name: "pooling", message: "applies only when include_top is false")
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
    /// The options this model honours; any other given option is an error, not silently ignored.
    public let options: Set<ZooOption>
    let make: @Sendable (ZooOptions) throws -> Model

    public func build(_ options: ZooOptions = ZooOptions()) throws -> Model {
        try options.validate()
        if let ignored = options.givenInOrder.first(where: { !self.options.contains($0) }) {
            throw NetVizError.invalidSetting(name: ignored.rawValue, message: "model '\(name)' does not take this option")
        }
        return try make(options)
    }
}

/// Named models built with the Swift DSL.
public enum Zoo {
    static let mobileNetOptions = Set(ZooOption.allCases)

    public static let entries: [ZooEntry] = [
        ZooEntry(
            name: "mobilenet",
            summary: "keras.applications.MobileNet (v1): depthwise-separable blocks, ReLU6, no conv bias",
            options: mobileNetOptions, make: MobileNetV1.build),
        ZooEntry(
            name: "mobilenet-article",
            summary: "the seed article's MobileNet as written: conv biases, ReLU, channels_first AvgPool2D bug",
            options: [.resolution], make: ArticleMobileNet.build),
        ZooEntry(
            name: "conv-mobilenet",
            summary: "the paper's Table 4 baseline: each depthwise+pointwise pair as one full 3x3 convolution",
            options: mobileNetOptions.subtracting([.depthMultiplier]), make: ConvMobileNet.build),
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
