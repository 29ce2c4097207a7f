import ArgumentParser
import NetViz

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the zoo, one model a line.")

    func run() throws {
        let width = Zoo.names.map(\.count).max() ?? 0
        try OutputFile.writeStandardOutput(
            Zoo.entries.map { $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary + "\n" }.joined())
    }
}
