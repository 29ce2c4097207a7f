// Builds the article's model with the Swift DSL and prints its summary: `swift run article-mobilenet`.
import ArticleMobileNet
import Foundation
import NetViz

do {
    let model = try articleMobileNet()
    print(try SummaryReport.text(ModelStatistics(model)), terminator: "")
} catch {
    FileHandle.standardError.write(Data("article-mobilenet: \(error)\n".utf8))
    exit(1)
}
