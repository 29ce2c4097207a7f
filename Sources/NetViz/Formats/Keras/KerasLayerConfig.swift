/// One layer entry of a Keras config, with typed accessors that throw `LayerProblem`s naming the argument.
/// Integers are bounded (|value| <= 2^30) so no later arithmetic on them can overflow.
struct KerasLayerConfig {
    static let maxInteger: Int64 = 1 << 30

    let name: String
    let className: String
    let module: String
    let registeredName: String?
    let config: [String: JSON]
    let entry: [String: JSON]

    func value(_ key: String) -> JSON? {
        guard let value = config[key], !value.isNull else { return nil }
        return value
    }

    static func integer(_ value: JSON, _ key: String) throws -> Int {
        let number: Int64
        switch value {
        case .int(let i): number = i
        case .double(let d) where d.rounded() == d && abs(d) <= Double(maxInteger): number = Int64(d)
        default: throw LayerProblem("\(key) must be an integer, got \(value.kind)")
        }
        guard number >= -maxInteger, number <= maxInteger else { throw LayerProblem("\(key) = \(number) is out of range") }
        return Int(number)
    }

    func int(_ key: String, _ fallback: Int? = nil) throws -> Int {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw LayerProblem("\(key) is missing")
        }
        return try Self.integer(value, key)
    }

    func double(_ key: String, _ fallback: Double) throws -> Double {
        guard let value = value(key) else { return fallback }
        guard let number = value.doubleValue else { throw LayerProblem("\(key) must be a number, got \(value.kind)") }
        return number
    }

    func optionalDouble(_ key: String) throws -> Double? {
        guard let value = value(key) else { return nil }
        guard let number = value.doubleValue else { throw LayerProblem("\(key) must be a number, got \(value.kind)") }
        return number
    }

    func bool(_ key: String, _ fallback: Bool) throws -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .bool(let b) = value else { throw LayerProblem("\(key) must be true or false, got \(value.kind)") }
        return b
    }

    func string(_ key: String, _ fallback: String) throws -> String {
        guard let value = value(key) else { return fallback }
        guard let s = value.stringValue else { throw LayerProblem("\(key) must be a string, got \(value.kind)") }
        return s
    }

    func intList(_ key: String) throws -> [Int]? {
        guard let value = value(key) else { return nil }
        if let list = value.arrayValue {
            guard list.count <= 64 else { throw LayerProblem("\(key) has \(list.count) entries") }
            return try list.map { try Self.integer($0, key) }
        }
        return [try Self.integer(value, key)]
    }

    /// `3`, `[3]` or `[3, 3]`.
    func size2(_ key: String, _ fallback: Size2) throws -> Size2 {
        guard let list = try intList(key) else { return fallback }
        switch list.count {
        case 1: return Size2(list[0], list[0])
        case 2: return Size2(list[0], list[1])
        default: throw LayerProblem("\(key) must be one or two integers, got \(list)")
        }
    }

    func padding() throws -> Padding {
        let text = try string("padding", "valid").lowercased()
        guard let padding = Padding(rawValue: text) else {
            throw LayerProblem("padding '\(text)' is not supported (valid or same)")
        }
        return padding
    }

    func dataFormat() throws -> DataFormat {
        let text = try string("data_format", "channels_last")
        guard let format = DataFormat(rawValue: text) else {
            throw LayerProblem("data_format '\(text)' must be channels_last or channels_first")
        }
        return format
    }

    /// `activation`: a name, or Keras's serialised function object; `linear` is the default (nil).
    func activation(_ key: String = "activation") throws -> ActivationFunction? {
        guard let value = value(key) else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .object(let o):
            if let s = o["config"]?.stringValue { text = s } else if let s = o["class_name"]?.stringValue { text = s } else {
                throw LayerProblem("\(key) is an object netviz cannot read")
            }
        default: throw LayerProblem("\(key) must be a name, got \(value.kind)")
        }
        guard let function = ActivationFunction(rawValue: text) else {
            throw LayerProblem("unknown activation '\(text)'")
        }
        return function == .linear ? nil : function
    }

    /// ZeroPadding2D / Cropping2D margins: `1`, `[1, 2]` (rows, columns) or `[[top, bottom], [left, right]]`.
    func margins(_ key: String, _ fallback: Margins2D) throws -> Margins2D {
        guard let value = value(key) else { return fallback }
        if let list = value.arrayValue {
            if list.count == 2, let rows = list[0].arrayValue, let columns = list[1].arrayValue {
                guard rows.count == 2, columns.count == 2 else {
                    throw LayerProblem("\(key) must be ((top, bottom), (left, right))")
                }
                return Margins2D(
                    top: try Self.integer(rows[0], key), bottom: try Self.integer(rows[1], key),
                    left: try Self.integer(columns[0], key), right: try Self.integer(columns[1], key))
            }
            guard list.count == 2 else { throw LayerProblem("\(key) must be an integer, a pair or a pair of pairs") }
            let (r, c) = (try Self.integer(list[0], key), try Self.integer(list[1], key))
            return Margins2D(top: r, bottom: r, left: c, right: c)
        }
        return Margins2D(try Self.integer(value, key))
    }

    /// An `axis` that may be an integer or a list of integers; `nil` (null) is returned as nil.
    func axes(_ key: String = "axis") throws -> [Int]? { try intList(key) }
}
