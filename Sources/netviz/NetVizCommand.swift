import ArgumentParser
import Foundation
import NetViz

@main
struct NetVizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netviz",
        abstract: "Summaries, MAC counts and pictures of neural-network architectures, without TensorFlow.",
        subcommands: [
            SummaryCommand.self, PlotCommand.self, ReportCommand.self, CompareCommand.self, ModelsCommand.self,
            VerifyCommand.self,
        ],
        defaultSubcommand: SummaryCommand.self
    )

    /// Every error is one line on standard error and a non-zero exit (no usage dump); help prints in full.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code.isSuccess { Self.exit(withError: error) }
            let full = Flags.describe(error) ?? message(for: error)
            let message = full.split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}
