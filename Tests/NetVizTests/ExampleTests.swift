import ArticleMobileNet
import Testing

@testable import NetViz

/// The Swift DSL example reads like the article's code; it must build the very model the zoo calls
/// `mobilenet-article` (and so Keras's numbers, which KerasReferenceTests checks for the zoo model).
@Suite struct ExampleTests {
    @Test func exampleEqualsZooArticleModel() throws {
        let example = try ModelStatistics(articleMobileNet())
        let zoo = try ModelStatistics(Zoo.build("mobilenet-article"))
        #expect(example.model.nodes.map(\.name) == zoo.model.nodes.map(\.name))
        #expect(example.model.nodes.map(\.className) == zoo.model.nodes.map(\.className))
        #expect(example.model.nodes.map(\.output) == zoo.model.nodes.map(\.output))
        #expect(example.model.nodes.map(\.inbound) == zoo.model.nodes.map(\.inbound))
        #expect(example.layers == zoo.layers)
        #expect(example.warnings == zoo.warnings)
        #expect(try SummaryReport.text(example) == SummaryReport.text(zoo))
    }
}
