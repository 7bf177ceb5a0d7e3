import AllianceTestSupport
import Foundation

/// This target's Fixtures/ folder (the data sets several targets read are in `FixtureFiles.shared`).
let fixtureFiles = FixtureFiles(bundle: .module)
