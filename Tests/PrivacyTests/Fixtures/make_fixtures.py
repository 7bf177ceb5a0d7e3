#!/usr/bin/env python3
"""Writes the PrivacyTests fixtures (run once; the outputs are committed):

identifiers.csv     every identifier kind twice: by header only (innocent content) and by content only
                    (innocent header). All values are invented: 555 and Ofcom drama-range phone numbers,
                    example.org/.com domains, documentation IP ranges, NHS test-style numbers.
clean_research.csv  a de-identified psychotherapy data set that must pass the guard untouched.

Usage: python3 make_fixtures.py   (writes next to this script; deterministic, seeded)
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 6

# Header-only columns: the header names an identifier, the content is innocent.
header_only = {
    "first_name": ["withheld"] * ROWS,
    "Surname": ["withheld"] * ROWS,
    "Full Name": ["redacted"] * ROWS,
    "email": ["withheld"] * ROWS,
    "e-mail": ["x"] * ROWS,
    "phone": ["withheld"] * ROWS,
    "mobile": ["withheld"] * ROWS,
    "tel": ["withheld"] * ROWS,
    "fax": ["withheld"] * ROWS,
    "address": ["withheld"] * ROWS,
    "street": ["withheld"] * ROWS,
    "city": ["north", "east", "north", "west", "south", "east"],
    "town": ["withheld"] * ROWS,
    "zip": ["withheld"] * ROWS,
    "postcode": ["withheld"] * ROWS,
    "postal code": ["withheld"] * ROWS,
    "dob": ["withheld"] * ROWS,
    "date of birth": ["withheld"] * ROWS,
    "birthDate": ["withheld"] * ROWS,
    "ssn": ["withheld"] * ROWS,
    "social_security": ["withheld"] * ROWS,
    "nhs_no": ["withheld"] * ROWS,
    "NHS number": ["withheld"] * ROWS,
    "mrn": ["1", "2", "3", "4", "5", "6"],
    "medical_record": ["withheld"] * ROWS,
    "record number": ["withheld"] * ROWS,
    "insurance_id": ["withheld"] * ROWS,
    "account_number": ["withheld"] * ROWS,
    "licence_number": ["withheld"] * ROWS,
    "driverLicense": ["withheld"] * ROWS,
    "vehicle": ["withheld"] * ROWS,
    "vin": ["withheld"] * ROWS,
    "device_serial": ["withheld"] * ROWS,
    "ip": ["withheld"] * ROWS,
    "ip_address": ["withheld"] * ROWS,
    "url": ["withheld"] * ROWS,
    "website": ["withheld"] * ROWS,
    "biometric": ["withheld"] * ROWS,
    "fingerprint": ["withheld"] * ROWS,
    "photo": ["withheld"] * ROWS,
}

# Content-only columns: innocent header, identifying content.
content_only = {
    "field_a": ["ann.lee@example.org", "b.smith@example.com", "c_jones+1@mail.example.co.uk",
                "d@example.net", "e.f@example.org", "g.h@example.com"],
    "notes": ["attended all sessions", "moved to group therapy", "contact via j.doe@example.com",
              "good engagement", "", "discharged after 8 sessions"],
    "field_b": ["555-123-4567", "(212) 555-0198", "312.555.0143", "1-202-555-0174", "(718)555-0199",
                "+1 917 555 0123"],
    "field_c": ["07700 900123", "+44 20 7946 0958", "020 7946 0958", "0161 496 0000", "+447700900456",
                "01632 960001"],
    "field_d": ["+61 2 9876 5432", "+4930123456", "+33 1 23 45 67 89", "+81 3 1234 5678",
                "+14155552671", "+353 1 234 5678"],
    "field_e": ["123-45-6789", "078-05-1120", "219-09-9999", "457-55-5462", "", "321-54-9876"],
    "field_f": ["943 476 5919", "4010232137", "450 557 7104", "485-777-3457", "6401234563", "612 345 6784"],
    "field_g": ["2024-03-05", "05/03/2024", "3/5/24", "5 March 2024", "March 5, 2024", "12-Jan-2023"],
    "visit": ["20240305", "20231112", "20220101", "20210630", "20191231", "20200229"],
    "field_h": ["2024-03", "2023-11", "2022-01", "March 2021", "06/2020", "2019/12"],
    "field_i": ["02139", "90210", "10001", "02115", "60614", "01002"],
    "field_j": ["02139-4307", "90210-1234", "10001-0001", "MA 02115", "60614-2020", "01002-3333"],
    "field_k": ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A1BB"],
    "field_l": ["192.0.2.1", "198.51.100.23", "203.0.113.254", "10.0.0.1", "172.16.254.1", "8.8.8.8"],
    "field_m": ["2001:db8::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "fe80::1ff:fe23:4567:890a",
                "::1", "2001:db8:0:0:1::1", "2001:db8::ff00:42:8329"],
    "field_n": ["https://example.org/profile/42", "http://example.com", "www.example.org/a",
                "see https://example.net/x", "ftp://files.example.com/f", "www.example.com"],
    "comments": ["Seen with Sarah Johnson today", "no concerns", "good progress", "Dr Patel reviewed",
                 "", "no concerns"],
    "field_o": ["Emily Clark", "James Wilson", "Smith, John", "Olivia Brown", "Mr Jones", "Priya Shah"],
    "field_p": ["Sarah", "James", "Emily", "Mohammed", "Olivia", "Liam"],
    "client_age": ["34", "93", "45", "91", "67", "28"],
    "field_q": ["07700900123", "07700900124", "07700900125", "02079460958", "01614960000", "07700900126"],
    "field_r": ["9434765919", "4010232137", "4505577104", "4857773457", "6401234563", "6123456784"],
}

expected_content_kinds = {  # documented here; the Swift test holds its own copy
    "field_a": "email_address", "notes": "email_address", "field_b": "phone_number",
    "field_c": "phone_number", "field_d": "phone_number", "field_e": "social_security_number",
    "field_f": "nhs_number", "field_g": "date", "visit": "date", "field_h": "date", "field_i": "postal_code",
    "field_j": "postal_code", "field_k": "postal_code", "field_l": "ip_address", "field_m": "ip_address",
    "field_n": "url", "comments": "name", "field_o": "name", "field_p": "name", "client_age": "age_over_89",
    "field_q": "phone_number", "field_r": "nhs_number",
}
assert set(expected_content_kinds) == set(content_only)


def write(name, columns):
    path = os.path.join(HERE, name)
    headers = list(columns)
    n = len(next(iter(columns.values())))
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(headers)
        for i in range(n):
            w.writerow([columns[h][i] for h in headers])


def clean_research(n=240, seed=20240305):
    rng = random.Random(seed)
    sites = ["north", "east", "south", "west"]
    notes_pool = ["Referred by GP", "Completed CBT step 2", "Moved to group therapy in 2021",
                  "Scores 12-15 at intake", "Discharged after 8 sessions", "Hope Clinic referral",
                  "Seen at Victoria Clinic", "Step 3 then step 2", "PHQ-9 improved by 6 points",
                  "Attended 10/12 sessions", "Review in May", "", "", ""]
    cols = {k: [] for k in [
        "client", "therapist", "site", "site_name", "study_code", "age", "dob_year", "intake_year",
        "session_date_year", "referral_date", "cohort"]}
    for j in range(1, 13):
        cols[f"wai_sr_{j}"] = []
    cols["wai_sr_total"] = []
    for j in range(1, 10):
        cols[f"phq_9_{j}"] = []
    cols.update({k: [] for k in [
        "phq_9_total", "gad7_total", "core10_score", "ors_total", "srs_total", "sessions", "n_phone_sessions",
        "dropout", "homework_rate", "alliance_mean", "stage", "body_image", "mobile_app_use", "modality",
        "therapistCode", "notes"]})
    for i in range(1, n + 1):
        wai = [rng.randint(1, 5) for _ in range(12)]
        phq = [rng.randint(0, 3) for _ in range(9)]
        intake = rng.randint(2018, 2023)
        row = {
            "client": f"c{i:04d}", "therapist": f"T{rng.randint(1, 12):02d}", "site": rng.choice(sites),
            "site_name": rng.choice(sites), "study_code": f"S-{rng.randint(100, 999)}",
            "age": str(rng.randint(18, 89)), "dob_year": str(rng.randint(1935, 2006)), "intake_year": str(intake),
            "session_date_year": str(intake + rng.randint(0, 1)), "referral_date": str(intake),
            "cohort": rng.choice(["2018/19", "2019/20", "2020/21", "2021-22", "2010/11"]),
            "wai_sr_total": str(sum(wai)), "phq_9_total": str(sum(phq)), "gad7_total": str(rng.randint(0, 21)),
            "core10_score": f"{rng.uniform(0, 40):.1f}", "ors_total": f"{rng.uniform(0, 40):.2f}",
            "srs_total": f"{rng.uniform(20, 40):.1f}", "sessions": str(rng.randint(1, 24)),
            "n_phone_sessions": str(rng.randint(0, 6)), "dropout": str(rng.randint(0, 1)),
            "homework_rate": f"{rng.random():.3f}", "alliance_mean": f"{sum(wai) / 12:.4f}",
            "stage": str(rng.randint(1, 4)), "body_image": str(rng.randint(0, 10)),
            "mobile_app_use": str(rng.randint(0, 1)), "modality": rng.choice(["individual", "group", "phone", "video"]),
            "therapistCode": f"T{rng.randint(1, 12):02d}", "notes": rng.choice(notes_pool),
        }
        for j in range(12):
            row[f"wai_sr_{j + 1}"] = str(wai[j])
        for j in range(9):
            row[f"phq_9_{j + 1}"] = str(phq[j])
        for k in cols:
            cols[k].append(row[k])
    return cols


if __name__ == "__main__":
    write("identifiers.csv", {**header_only, **content_only})
    write("clean_research.csv", clean_research())
