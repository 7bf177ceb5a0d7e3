/// The identifier kinds the guard looks for: HIPAA Safe Harbor's 18 categories (45 CFR 164.514(b)(2)),
/// split where a finer kind tells the user more (a postcode is not a street address), plus the UK NHS number.
/// Raw values are the snake_case names used in `check` JSON output.
public enum IdentifierKind: String, CaseIterable, Sendable, Codable, Comparable {
    case name
    case address
    case postalCode = "postal_code"
    case date
    case ageOver89 = "age_over_89"
    case phoneNumber = "phone_number"
    case faxNumber = "fax_number"
    case emailAddress = "email_address"
    case socialSecurityNumber = "social_security_number"
    case medicalRecordNumber = "medical_record_number"
    case nhsNumber = "nhs_number"
    case healthPlanNumber = "health_plan_number"
    case accountNumber = "account_number"
    case licenseNumber = "license_number"
    case vehicleIdentifier = "vehicle_identifier"
    case deviceIdentifier = "device_identifier"
    case url
    case ipAddress = "ip_address"
    case biometric
    case photograph

    /// What the column holds, for people: used as the `reason` in reports.
    public var reason: String {
        switch self {
        case .name: return "personal names"
        case .address: return "street addresses or small geographic areas"
        case .postalCode: return "postal codes (ZIP codes or postcodes)"
        case .date: return "dates finer than a year"
        case .ageOver89: return "ages over 89"
        case .phoneNumber: return "telephone numbers"
        case .faxNumber: return "fax numbers"
        case .emailAddress: return "email addresses"
        case .socialSecurityNumber: return "social security or national insurance numbers"
        case .medicalRecordNumber: return "medical record numbers"
        case .nhsNumber: return "NHS numbers"
        case .healthPlanNumber: return "health plan or insurance numbers"
        case .accountNumber: return "account or card numbers"
        case .licenseNumber: return "licence, certificate or passport numbers"
        case .vehicleIdentifier: return "vehicle identifiers or number plates"
        case .deviceIdentifier: return "device identifiers or serial numbers"
        case .url: return "web addresses (URLs)"
        case .ipAddress: return "IP addresses"
        case .biometric: return "biometric identifiers"
        case .photograph: return "photographs or images of faces"
        }
    }

    /// Declaration order, so that findings come out in a fixed, documented order.
    public static func < (lhs: IdentifierKind, rhs: IdentifierKind) -> Bool {
        lhs.ordinal < rhs.ordinal
    }

    var ordinal: Int {
        IdentifierKind.allCases.firstIndex(of: self) ?? 0
    }
}

/// A small set of kinds as a bit mask: per-cell evidence is tallied for many distinct levels, so it must
/// not allocate.
struct KindMask: OptionSet, Sendable {
    let rawValue: UInt32

    init(rawValue: UInt32) { self.rawValue = rawValue }
    init(_ kind: IdentifierKind) { self.rawValue = 1 << UInt32(kind.ordinal) }

    func contains(_ kind: IdentifierKind) -> Bool { contains(KindMask(kind)) }
    mutating func insert(_ kind: IdentifierKind) { insert(KindMask(kind)) }

    var kinds: [IdentifierKind] { IdentifierKind.allCases.filter { contains($0) } }

    /// Calls `body` with the ordinal of each kind in the set, without allocating.
    @inline(__always)
    func forEachOrdinal(_ body: (Int) -> Void) {
        var bits = rawValue
        while bits != 0 {
            body(bits.trailingZeroBitCount)
            bits &= bits - 1
        }
    }
}
