// Builds the article's model with the Swift DSL and prints its summary: `swift run article-mobilenet`.
import ArticleMobileNet
import NetViz

do {
    let model = try articleMobileNet()
    print(try SummaryReport.text(ModelStatistics(model)), terminator: "")
} catch {
    print("error: \(error)")
}
