import Foundation
import ArgumentParser
import NetViz

/// An option the CLI refuses, named by its flag.
struct OptionError: Error, CustomStringConvertible {
    let flag: String
    let message: String
    var description: String { "option \(flag): \(message)" }
}

/// The library names settings as it knows them (`alpha`, `line_length`); the CLI shows them as flags.
enum Flags {
    static func flag(for setting: String) -> String {
        switch setting {
        case "include_top": "--no-include-top"
        case "model": "MODEL"
        default: "--" + setting.replacingOccurrences(of: "_", with: "-")
        }
    }

    /// A library error as the CLI shows it: settings by their flags.
    static func describe(_ error: any Error) -> String? {
        guard case let NetVizError.invalidSetting(name, message) = error else { return nil }
        return OptionError(flag: flag(for: name), message: message).description
    }
}
