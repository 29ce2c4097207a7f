import ArgumentParser
import NetViz

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the zoo, one model a line.")

    func run() throws {
        let width = Zoo.names.map(\.count).max() ?? 0
        for entry in Zoo.entries {
            print(entry.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + entry.summary)
        }
    }
}
