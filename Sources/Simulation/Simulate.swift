import Distributions
import DataTable

/// Generates a synthetic study: therapists → clients → sessions, from the project's seeded
/// generator only. The same parameters (seed included) give the same tables, bit for bit.
public func simulate(_ p: SimulationParameters) throws(SimulationError) -> SimulatedStudy {
    let latent = try LatentParameters(p)
    return try simulate(p, latent: latent)
}

func simulate(_ p: SimulationParameters, latent: LatentParameters) throws(SimulationError) -> SimulatedStudy {
    var rng = SeededGenerator(seed: p.seed)
    let tau = latent.allianceTherapistShare

    // Therapists: alliance component u_t, outcome effect v_t, site by rotation.
    var therapistAlliance = [Double](), therapistOutcome = [Double]()
    for _ in 0..<p.therapists {
        therapistAlliance.append(tau.squareRoot() * rng.nextNormal())
        therapistOutcome.append(latent.therapistEffectSD * rng.nextNormal())
    }
    let siteNames = siteLabels(count: p.sites)
    let therapistCodes = codes(prefix: "T", count: p.therapists, minimumWidth: 2)
    let clientCodes = codes(prefix: "c", count: p.clients, minimumWidth: 4)

    var clientTable = ClientColumns()
    var sessionTable = SessionColumns()
    let phq = InstrumentModel.phq9, gad = InstrumentModel.gad7, wai = InstrumentModel.waiSR
    let c = latent.allianceHomeworkCorrelation
    let a = latent.dropoutLoading
    // Ruptures in the SRS draw from their own stream, so every other column is as it was without them.
    var ruptureStream = SeededGenerator.stream(1, seed: p.seed)

    for i in 0..<p.clients {
        let t = rng.nextInt(below: p.therapists)
        let age = min(80, max(18, (TrajectoryModel.ageMean + TrajectoryModel.ageSD * rng.nextNormal()).rounded()))
        let female = rng.nextBernoulli(TrajectoryModel.femaleProbability)

        // Latent client scores.
        let e = (1 - tau).squareRoot() * rng.nextNormal()
        let alliance = therapistAlliance[t] + e
        let subscales = [rng.nextNormal(), rng.nextNormal(), rng.nextNormal()]
        let homeworkPropensity = c * alliance + (1 - c * c).squareRoot() * rng.nextNormal()
        let improvement = latent.betweenSlope * therapistAlliance[t] + latent.withinSlope * e
            + latent.homeworkSlope * homeworkPropensity + therapistOutcome[t]
            + latent.residualSD * rng.nextNormal()
        let liability = -a * alliance + (1 - a * a).squareRoot() * rng.nextNormal()
        let dropout = liability > latent.dropoutThreshold

        let depressionPre = rng.nextNormal()
        let depressionPost = TrajectoryModel.depressionPostMean + TrajectoryModel.depressionCarryOver * depressionPre
            - TrajectoryModel.depressionChangeSD * improvement
        let anxietyPre = TrajectoryModel.anxietyDepressionLoading * depressionPre
            + (1 - TrajectoryModel.anxietyDepressionLoading * TrajectoryModel.anxietyDepressionLoading).squareRoot() * rng.nextNormal()
        let anxietyChange = TrajectoryModel.anxietyChangeOnD * improvement
            + (1 - TrajectoryModel.anxietyChangeOnD * TrajectoryModel.anxietyChangeOnD).squareRoot() * rng.nextNormal()
        let anxietyPost = TrajectoryModel.anxietyPostMean + TrajectoryModel.anxietyCarryOver * anxietyPre
            - TrajectoryModel.anxietyChangeSD * anxietyChange

        // Course: planned length; dropouts stop after session k and miss the next one.
        let extra = rng.nextPoisson(mean: TrajectoryModel.extraSessionsScale * rng.nextGamma(shape: TrajectoryModel.extraSessionsShape))
        let planned = min(p.maxSessions, TrajectoryModel.minimumSessions + extra)
        let lastAttended: Int
        let offered: Int
        if dropout {
            let u = rng.nextUniform()
            lastAttended = 1 + Int((Double(planned - 1) * u * u).rounded(.down))
            offered = lastAttended + 1
        } else {
            lastAttended = planned
            offered = planned
        }
        let rupture = RuptureModel.draw(offered: offered, using: &ruptureStream)
        // Probit draws as latent thresholds (x + z > 0 has probability Φ(x)): generator arithmetic only, no libm.
        let attendIndex = TrajectoryModel.attendIntercept + TrajectoryModel.attendSlope * alliance
        let homeworkIndex = TrajectoryModel.homeworkIntercept + TrajectoryModel.homeworkSlope * homeworkPropensity

        var attendedCount = 0, homeworkDone = 0, homeworkSet = 0
        var intakePHQ = [Int](), intakeGAD = [Int](), lastPHQ = [Int](), lastGAD = [Int]()
        var earlyWAI: [Int]? = nil
        // The alliance state's occasion deviation at the previous scheduled session, nil when it was missed
        // (or at intake): it moves this session's depression by γ·deviation (the within-client lagged effect).
        var previousAllianceDeviation: Double? = nil
        for s in 1...offered {
            let attended = s == 1 || s == lastAttended || (s < lastAttended && attendIndex + rng.nextNormal() > 0)
            guard attended else {
                sessionTable.appendMissed(client: clientCodes[i], therapist: therapistCodes[t], session: s)
                previousAllianceDeviation = nil
                continue
            }
            attendedCount += 1
            let fraction = TrajectoryModel.changeFraction(session: s, planned: planned)
            let depression = depressionPre + (depressionPost - depressionPre) * fraction
                + TrajectoryModel.symptomOccasionSD * rng.nextNormal()
                + latent.allianceSymptomLag * (previousAllianceDeviation ?? 0)
            let anxiety = anxietyPre + (anxietyPost - anxietyPre) * fraction
                + TrajectoryModel.symptomOccasionSD * rng.nextNormal()
            let allianceDeviation = TrajectoryModel.allianceOccasionSD * rng.nextNormal()
            previousAllianceDeviation = allianceDeviation
            let allianceState = TrajectoryModel.allianceMean + alliance + allianceDeviation
            let waiItems = wai.responses(trait: allianceState, subscales: subscales, using: &rng)
            let srsItems = SessionRatingScale.items(alliance: allianceState - TrajectoryModel.allianceMean - rupture.deflection(at: s),
                                                    using: &rng)
            let phqItems = phq.responses(trait: depression, subscales: [], using: &rng)
            let gadItems = gad.responses(trait: anxiety, subscales: [], using: &rng)
            var homework: Int? = nil
            if attendedCount >= 2 {
                let done = homeworkIndex + rng.nextNormal() > 0
                homework = done ? 1 : 0
                homeworkSet += 1
                if done { homeworkDone += 1 }
            }
            if attendedCount == 1 { intakePHQ = phqItems; intakeGAD = gadItems }
            if attendedCount == 3 { earlyWAI = waiItems }
            lastPHQ = phqItems
            lastGAD = gadItems
            sessionTable.appendAttended(
                client: clientCodes[i], therapist: therapistCodes[t], session: s,
                wai: waiItems, srs: srsItems, phq: phqItems, gad: gadItems, homework: homework)
        }
        let hasPost = attendedCount >= 2
        clientTable.append(ClientRow(
            client: clientCodes[i], therapist: therapistCodes[t], site: siteNames[t % p.sites],
            age: Int(age), gender: female ? "female" : "male",
            sessionsOffered: offered, sessionsAttended: attendedCount, dropout: dropout,
            homework: homeworkSet > 0 ? Double(homeworkDone) / Double(homeworkSet) : nil,
            wai: earlyWAI, phq: intakePHQ, phqPost: hasPost ? lastPHQ.reduce(0, +) : nil,
            gad: intakeGAD, gadPost: hasPost ? lastGAD.reduce(0, +) : nil))
    }
    do {
        return SimulatedStudy(
            parameters: p, latent: latent,
            clients: try clientTable.table(), sessions: try sessionTable.table())
    } catch {
        throw .table(error.description)
    }
}

/// Site labels: compass names first, then numbered sites.
func siteLabels(count: Int) -> [String] {
    let names = ["north", "south", "east", "west", "central"]
    return (0..<count).map { $0 < names.count ? names[$0] : "site" + zeroPadded($0 + 1, width: 2) }
}

/// Pseudonymous codes such as T01…T40 or c0001…c1000, wide enough for `count`.
func codes(prefix: String, count: Int, minimumWidth: Int) -> [String] {
    let width = max(minimumWidth, String(count).count)
    return (1...max(count, 1)).prefix(count).map { prefix + zeroPadded($0, width: width) }
}

func zeroPadded(_ n: Int, width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}
