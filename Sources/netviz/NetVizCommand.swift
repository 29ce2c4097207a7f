import ArgumentParser
import NetViz

@main
struct NetVizCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netviz",
        abstract: "Summaries, MAC counts and pictures of neural-network architectures, without TensorFlow.",
        subcommands: [SummaryCommand.self, PlotCommand.self, ModelsCommand.self],
        defaultSubcommand: SummaryCommand.self
    )
}
