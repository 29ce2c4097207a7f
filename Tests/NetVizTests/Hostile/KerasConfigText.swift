import Foundation

/// Keras 3 `model.to_json()` text for hostile-input tests, built as strings so any name or index can be written.
enum KerasConfigText {
    /// A JSON string literal; controls as `\u00XX`, everything else as it is.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func tensor(_ source: String, node: String = "0", index: String = "0") -> String {
        #"{"class_name": "__keras_tensor__", "config": {"keras_history": [\#(quoted(source)), \#(node), \#(index)]}}"#
    }

    static func input(_ name: String, shape: [Int] = [4]) -> String {
        let dims = (["null"] + shape.map(String.init)).joined(separator: ", ")
        return #"{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [\#(dims)], "name": \#(quoted(name))}, "name": \#(quoted(name)), "inbound_nodes": []}"#
    }

    /// A layer called once on `args` (tensor texts; several become one list, as Keras writes merges).
    static func layer(
        _ className: String, _ name: String, _ args: [String], config: String = "", module: String = "keras.layers"
    ) -> String {
        let argument = args.count == 1 ? args[0] : "[" + args.joined(separator: ", ") + "]"
        let extra = config.isEmpty ? "" : ", " + config
        return #"{"module": "\#(module)", "class_name": \#(quoted(className)), "config": {"name": \#(quoted(name))\#(extra)}, "name": \#(quoted(name)), "inbound_nodes": [{"args": [\#(argument)], "kwargs": {}}]}"#
    }

    static func functional(_ layers: [String], inputs: [String], outputs: [String], name: String = "m") -> String {
        func ends(_ names: [String]) -> String { "[" + names.map { "[\(quoted($0)), 0, 0]" }.joined(separator: ", ") + "]" }
        return #"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": \#(quoted(name)), "layers": [\#(layers.joined(separator: ",\n"))], "input_layers": \#(ends(inputs)), "output_layers": \#(ends(outputs))}}"#
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func file(_ text: String, name: String = "m.json") throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("netviz-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
