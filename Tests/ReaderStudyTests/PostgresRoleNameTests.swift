import Dataset
import Foundation
@testable import ReaderStudy
import XCTest

/// Reader roles are cluster-wide ("usreview_STUDY_READER"): a name another study already
/// took is refused with what frees it, and nothing of the enrolment is kept.
final class PostgresRoleNameTests: XCTestCase {
    var server: PostgresTestDatabase!
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    override func setUpWithError() throws {
        server = try PostgresTestDatabase.required()
    }

    override func tearDown() {
        server?.drop()
    }

    func create(_ name: String) throws {
        try server.createOneCaseStudy(name, now: start)
    }

    func testARoleAnotherStudyTookIsRefusedWithWhatFreesItAndNothingIsEnrolled() throws {
        // "a_b" + "c" and "a" + "b_c" are both usreview_a_b_c; disabling keeps the role.
        try create("a_b")
        try create("a")
        _ = try server.store.enrol(readers: ["c"], inStudy: "a_b", now: start)
        try server.store.disable(reader: "c", inStudy: "a_b", now: start)
        XCTAssertThrowsError(try server.store.enrol(readers: ["zed", "b_c"], inStudy: "a", now: start)) { error in
            XCTAssertEqual(error as? PostgresReaderRoleError, .roleExists(role: "usreview_a_b_c"))
            let message = "\(error)"
            XCTAssertTrue(message.contains("DROP ROLE \"usreview_a_b_c\""), message)
            XCTAssertTrue(message.contains("another study or reader name"), message)
            XCTAssertFalse(message.contains("try again"), message)
        }
        XCTAssertEqual(try server.store.readers(ofStudy: "a").map(\.name), [], "all or nothing: zed is not enrolled either")
        XCTAssertTrue(try server.superuser.execute("SELECT 1 FROM pg_roles WHERE rolname = 'usreview_a_zed'").rows.isEmpty)
    }

    func testATooLongRoleNameSaysWhichNamesToShorten() throws {
        try create("study")
        let reader = String(repeating: "r", count: 50)
        XCTAssertThrowsError(try server.store.enrol(readers: [reader], inStudy: "study", now: start)) { error in
            XCTAssertEqual(error as? PostgresReaderRoleError, .roleNameTooLong(study: "study", reader: reader))
            XCTAssertFalse("\(error)".contains("try again"), "\(error)")
        }
    }
}
