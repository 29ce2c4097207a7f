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
        // libhdf5 can crash or loop forever on a corrupt .h5: HDF5 files are read by a child of this executable.
        let arguments = CommandLine.arguments
        if arguments.count == 4, arguments[1] == HDF5Isolation.childCommand {
            Foundation.exit(HDF5Isolation.childMain(mode: arguments[2], path: arguments[3]))
        }
        let seconds = ProcessInfo.processInfo.environment["NETVIZ_HDF5_SECONDS"].flatMap(Double.init) ?? 20
        HDF5Isolation.install(helper: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path, seconds: seconds)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code.isSuccess { Self.exit(withError: error) }
            FileHandle.standardError.write(Data("Error: \(terminalLine(error))\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }
}

extension NetVizCommand {
    /// The error as one terminal-safe line: netviz's own errors whole (a newline from a file is shown as `\n`, not
    /// cut there, so the reason after it survives), argument-parser's first line (its usage text follows).
    static func terminalLine(_ error: Error) -> String {
        let text = Flags.describe(error)
            ?? (error is NetVizError ? "\(error)" : message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
        return Limits.shown(UntrustedText.terminal(text), limit: Limits.messageCharacters)
    }
}
