/* gen.c - a synthetic data set of SPEC section 9's size for the benchmark
 *
 *   gen DIR MEMBERS       (bench/run.sh: gen build/bench/data 1000000)
 *
 * Writes DIR/communes.csv, groups.csv, members.csv, loans.csv (two loans a
 * member), savings.csv and phones.txt (every member's E.164 number), in
 * the import formats of SPEC section 5. 36 members a group (the national
 * average), 30 groups a commune; the first member of each group is its
 * leader. Names are real Vietnamese names with diacritics, phone numbers
 * are 09xx numbers in national form, every fourth loan has principal due,
 * one in fifty is overdue. Deterministic: the same size gives the same
 * files. Bench code: not part of the product.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PER_GROUP 36
#define GROUPS_PER_COMMUNE 30

static const char *const family[] = {"Nguyễn", "Trần", "Lê", "Phạm",
                                     "Hoàng", "Huỳnh", "Phan", "Vũ",
                                     "Võ",    "Đặng", "Bùi", "Đỗ"};
static const char *const given[] = {"Lan",   "Hoa",  "Mai",  "Hương",
                                    "Thủy",  "Hạnh", "Nga",  "Loan",
                                    "Tuyết", "Đào",  "Cúc",  "Ngọc Ánh"};
static const char *const programs[] = {"HN", "CN", "GQVL", "NSVSMT", "HSSV"};

static FILE *open_csv(const char *dir, const char *name, const char *header)
{
    char path[4096];
    FILE *f;

    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    if (header)
        (void)fprintf(f, "%s\n", header);
    return f;
}

int main(int argc, char **argv)
{
    FILE *cm, *gr, *mb, *ln, *sv, *ph;
    long members, groups, communes, i;

    if (argc != 3 || (members = strtol(argv[2], NULL, 10)) < 1 ||
        members > 8000000) {
        (void)fprintf(stderr, "usage: gen DIR MEMBERS (1..8000000)\n");
        return 2;
    }
    groups = (members + PER_GROUP - 1) / PER_GROUP;
    communes = (groups + GROUPS_PER_COMMUNE - 1) / GROUPS_PER_COMMUNE;

    cm = open_csv(argv[1], "communes.csv",
                  "commune_code,commune_name,district,province,session_day,"
                  "officer_phone");
    for (i = 0; i < communes; i++)
        (void)fprintf(cm, "C%ld,Xã Số %ld,Huyện Bến Lức,Tỉnh Long An,%ld,"
                      "0888%06ld\n", i, i, 1 + i % 28, i);
    gr = open_csv(argv[1], "groups.csv",
                  "group_code,group_name,commune_code,union");
    for (i = 0; i < groups; i++)
        (void)fprintf(gr, "G%ld,Tổ TK&VV ấp %ld,C%ld,Hội LHPN xã Số %ld\n", i,
                      i % GROUPS_PER_COMMUNE + 1, i / GROUPS_PER_COMMUNE,
                      i / GROUPS_PER_COMMUNE);
    mb = open_csv(argv[1], "members.csv",
                  "member_code,group_code,seq,full_name,phone,role,reminders,"
                  "campaigns");
    ln = open_csv(argv[1], "loans.csv",
                  "loan_code,member_code,program,disbursed_on,disbursed_amount,"
                  "outstanding,monthly_rate_bp,maturity_on,next_principal_on,"
                  "next_principal_amount,interest_due,overdue_amount,status");
    sv = open_csv(argv[1], "savings.csv", "member_code,balance");
    ph = open_csv(argv[1], "phones.txt", NULL);
    for (i = 0; i < members; i++) {
        long seq = i % PER_GROUP + 1, k;
        /* 09[1-4]x xxx xxx: inside the 9x mobile range for any i. */
        long num = 910000000L + i;

        (void)fprintf(mb, "M%ld,G%ld,%ld,%s Thị %s,0%ld,%s,%d,%d\n", i,
                      i / PER_GROUP, seq, family[i % 12], given[(i / 12) % 12],
                      num, seq == 1 ? "leader" : "member", i % 10 != 0,
                      i % 3 == 0);
        (void)fprintf(ph, "+84%ld\n", num);
        for (k = 0; k < 2; k++) {
            long j = 2 * i + k, amount = 10000000L + (j % 8) * 5000000L;
            long outstanding = amount - (j % 5) * 1000000L;
            long rate = j % 4 == 0 ? 66 : 55;
            int overdue = j % 50 == 7;

            (void)fprintf(ln,
                          "L%ld,M%ld,%s,2024-%02ld-%02ld,%ld,%ld,%ld,2029-%02ld-"
                          "%02ld,",
                          j, i, programs[j % 5], 1 + j % 12, 1 + j % 28,
                          amount, outstanding, rate, 1 + j % 12, 1 + j % 28);
            if (j % 4 == 0)
                (void)fprintf(ln, "2026-%02ld-%02ld,%ld,", 1 + j % 12,
                              1 + j % 28, 1000000L);
            else
                (void)fprintf(ln, ",0,");
            (void)fprintf(ln, "%ld,%ld,%s\n", outstanding / 10000 * rate,
                          overdue ? 500000L : 0L,
                          overdue ? "overdue" : "current");
        }
        (void)fprintf(sv, "M%ld,%ld\n", i, (i % 40) * 50000L);
    }
    if (fclose(cm) || fclose(gr) || fclose(mb) || fclose(ln) || fclose(sv) ||
        fclose(ph)) {
        perror("gen: write");
        return 1;
    }
    (void)printf("%ld communes, %ld groups, %ld members, %ld loans\n",
                 communes, groups, members, 2 * members);
    return 0;
}
