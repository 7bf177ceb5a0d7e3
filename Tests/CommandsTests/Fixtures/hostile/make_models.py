# Regenerates models.csv, the small deterministic data set of the hostile model cases
# (HostileInputModelTests.swift). Run: python3 make_models.py > models.csv
# Columns: y roughly linear in x1 and z; x2 = 2·x1 (collinear); constant_y constant; one_site a single
# level; empty all missing; sep_y = [x1 > 0] (perfect separation); count with a negative value in row 1;
# note text (for text in numeric roles).
n = 30
x1 = [((i * 7) % 11) - 5 for i in range(n)]
z = [((i * 5) % 13) / 2 for i in range(n)]
site = ["north", "south", "east"]
y = [round(3 + 0.5 * x1[i] - 0.25 * z[i] + ((i * 3) % 7 - 3) * 0.3, 4) for i in range(n)]
print("client,y,x1,x2,z,site,constant_y,one_site,empty,sep_y,count,ybin,note")
for i in range(n):
    row = [i + 1, y[i], x1[i], 2 * x1[i], z[i], site[i % 3], 7, "north", "",
           1 if x1[i] > 0 else 0, (i % 5) - 1, i % 2, "text" + str(i % 4)]
    print(",".join(str(v) for v in row))
