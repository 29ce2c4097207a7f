/// The formats netviz knows, and the one way a file becomes a model: recognise it by content, then let its
/// format read it. A file no format recognises gets one line saying what netviz reads, never a parse error of
/// the wrong format.
public enum ModelFormats {
    /// Every format, readers first; a recognised format without a reader says so by name.
    public static let all: [any ModelFormat] = [
        KerasFormat(), KerasH5Format(), TFLiteFormat(), ONNXFormat(),
        RecognisedFormat.tensorFlowProtobuf,
    ]

    /// "Keras 3 .keras archives and model.to_json() .json configs", from the formats that have a reader.
    public static var readable: String {
        let reads = all.compactMap(\.reads)
        return reads.count <= 1 ? reads.joined() : reads.dropLast().joined(separator: ", ") + " and " + (reads.last ?? "")
    }

    /// The format of a file: the first format that recognises its content, else the first that recognises its name.
    public static func format(of probe: FileProbe) -> (any ModelFormat)? {
        var best: (format: any ModelFormat, how: Recognition)?
        for format in all {
            guard let how = format.recognise(probe) else { continue }
            if how == .byContent { return format }
            if best == nil { best = (format, how) }
        }
        return best?.format
    }

    /// The weights the model file at `path` carries for `model` (read by `load(path:)`), or nil when it has none.
    public static func weights(path: String, for model: Model) throws -> WeightStore? {
        let probe = try FileProbe(path: path)
        return try format(of: probe)?.weights(probe, for: model)
    }

    /// Reads the model in the file at `path`, whatever its format.
    public static func load(path: String, options: ImportOptions = ImportOptions()) throws -> ImportedModel {
        let probe = try FileProbe(path: path)
        guard let format = format(of: probe) else {
            let start = probe.head.prefix(8).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }
            let begins = start.isEmpty ? "it is empty" : "it begins \(start.joined(separator: " "))"
            throw NetVizError.file(
                path: path, message: "not a model file netviz recognises (\(begins)); netviz reads \(readable)")
        }
        return try format.load(probe, options: options)
    }

}
