import ArgumentParser
import Foundation
import NetViz

#if canImport(Glibc)
    import Glibc
#endif

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
        // A corrupt .h5 can make the HDF5 library loop forever: give up on it after a while, in one line.
        let seconds = ProcessInfo.processInfo.environment["NETVIZ_HDF5_SECONDS"].flatMap(Double.init) ?? 20
        HDF5Watchdog.install(seconds: seconds) { file, doing in
            let line = "\(file): the HDF5 library did not finish \(doing) in \(Int(seconds)) s; a corrupt file can make it loop forever"
            FileHandle.standardError.write(Data("Error: \(Limits.shown(UntrustedText.terminal(line), limit: Limits.messageCharacters))\n".utf8))
            _exit(1)
        }
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
