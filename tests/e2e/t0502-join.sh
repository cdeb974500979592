#!/bin/bash
# tugctl join / unjoin against a real tugd, checked with real kubectl: members
# from handwritten kubeconfigs (a bearer token; a client certificate with the
# CA inline; files next to the kubeconfig), the Secret's keys, refusals with
# clear messages, and how tugctl finds tugd (--kubeconfig, KUBECONFIG, the
# default ./tugboat-data/kubeconfig). Nothing runs in the members: joining
# never contacts them.
. "$(dirname "$0")/lib.sh"
require_kubectl

# tugd's data where tugctl looks by default when run from $TRASH.
start_tugd "$TRASH/tugboat-data" || exit 1
TUGD_KC=$KUBECONFIG

b64() { printf '%s' "$1" | base64 -w0; }
CA_PEM='-----BEGIN CERTIFICATE-----
Y2EK
-----END CERTIFICATE-----'
CRT_PEM='-----BEGIN CERTIFICATE-----
Y3J0Cg==
-----END CERTIFICATE-----'
KEY_PEM='-----BEGIN EC PRIVATE KEY-----
a2V5Cg==
-----END EC PRIVATE KEY-----'

# A member reached with a bearer token (as a ServiceAccount token would be).
cat >"$TRASH/token.kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: member1-admin
clusters:
- name: member1
  cluster:
    server: https://127.0.0.1:16443
    certificate-authority-data: $(b64 "$CA_PEM")
contexts:
- name: member1-admin
  context:
    cluster: member1
    user: member1-admin
users:
- name: member1-admin
  user:
    token: member1-token.abcdef
EOF

# A kind-like member with a client certificate, and a second context.
cat >"$TRASH/cert.kubeconfig" <<EOF
apiVersion: v1
kind: Config
current-context: other
clusters:
- name: kind-member2
  cluster:
    server: https://127.0.0.1:26443
    certificate-authority-data: $(b64 "$CA_PEM")
- name: elsewhere
  cluster:
    server: https://127.0.0.1:36443
    insecure-skip-tls-verify: true
contexts:
- name: other
  context: {cluster: elsewhere, user: nobody}
- name: kind-member2
  context: {cluster: kind-member2, user: kind-member2}
users:
- name: nobody
  user: {}
- name: kind-member2
  user:
    client-certificate-data: $(b64 "$CRT_PEM")
    client-key-data: $(b64 "$KEY_PEM")
EOF

test_expect_success 'join with a token kubeconfig' '
	tugctl join member1 --cluster-kubeconfig token.kubeconfig >out &&
	test "$(cat out)" = "cluster(member1) is joined successfully"
'

test_expect_success 'join with a client certificate, choosing the context' '
	tugctl join member2 --cluster-kubeconfig cert.kubeconfig \
		--cluster-context kind-member2 --cluster-region eu-west-1 >out &&
	test "$(cat out)" = "cluster(member2) is joined successfully"
'

test_expect_success 'kubectl get clusters lists them, in Push mode' '
	kubectl get clusters >out &&
	grep -E "^member1 +.*Push" out &&
	grep -E "^member2 +.*Push" out
'

test_expect_success 'the Cluster points at the member and its Secret' '
	kubectl get cluster member1 -o json >c1.json &&
	jq -e ".spec.apiEndpoint == \"https://127.0.0.1:16443\"" c1.json &&
	jq -e ".spec.syncMode == \"Push\"" c1.json &&
	jq -e ".spec.secretRef == {\"namespace\": \"karmada-cluster\", \"name\": \"member1\"}" c1.json &&
	jq -e ".spec.insecureSkipTLSVerification | not" c1.json &&
	kubectl get cluster member2 -o json >c2.json &&
	jq -e ".spec.apiEndpoint == \"https://127.0.0.1:26443\"" c2.json &&
	jq -e ".spec.region == \"eu-west-1\"" c2.json
'

test_expect_success 'the token Secret has Karmada keys token and caBundle' '
	kubectl get secret -n karmada-cluster member1 -o json >s1.json &&
	jq -r ".data | keys | join(\",\")" s1.json >keys &&
	test "$(cat keys)" = "caBundle,token" &&
	test "$(jq -r .data.token s1.json | base64 -d)" = "member1-token.abcdef" &&
	test "$(jq -r .data.caBundle s1.json | base64 -d)" = "$CA_PEM"
'

test_expect_success 'the certificate Secret has caBundle, tls.crt and tls.key' '
	kubectl get secret -n karmada-cluster member2 -o json >s2.json &&
	jq -r ".data | keys | join(\",\")" s2.json >keys &&
	test "$(cat keys)" = "caBundle,tls.crt,tls.key" &&
	test "$(jq -r ".data[\"tls.crt\"]" s2.json | base64 -d)" = "$CRT_PEM" &&
	test "$(jq -r ".data[\"tls.key\"]" s2.json | base64 -d)" = "$KEY_PEM"
'

test_expect_success 'files named by the kubeconfig are read relative to it' '
	mkdir -p m3/pki &&
	printf "%s\n" "$CA_PEM" >m3/pki/ca.crt &&
	printf "  file-token\n" >m3/pki/token &&
	cat >m3/config <<-EOF &&
	current-context: c
	clusters: [{name: k, cluster: {server: "https://127.0.0.1:46443", certificate-authority: pki/ca.crt}}]
	contexts: [{name: c, context: {cluster: k, user: u}}]
	users: [{name: u, user: {tokenFile: pki/token}}]
	EOF
	tugctl join member3 --cluster-kubeconfig m3/config &&
	kubectl get secret -n karmada-cluster member3 -o json >s3.json &&
	test "$(jq -r .data.token s3.json | base64 -d)" = "file-token" &&
	test "$(jq -r .data.caBundle s3.json | base64 -d)" = "$CA_PEM"
'

test_expect_success 'insecure-skip-tls-verify becomes insecureSkipTLSVerification' '
	tugctl join member4 --cluster-kubeconfig cert.kubeconfig &&
	test "$(kubectl get cluster member4 -o jsonpath={.spec.insecureSkipTLSVerification})" = true &&
	kubectl get secret -n karmada-cluster member4 -o json >s4.json &&
	test "$(jq -r ".data // {} | length" s4.json)" = 0
'

test_expect_success 'joining a name twice is refused' '
	expect_code 1 tugctl join member1 --cluster-kubeconfig cert.kubeconfig \
		--cluster-context kind-member2 2>err &&
	expect_contains err "cluster(member1) is already joined" &&
	test "$(kubectl get cluster member1 -o jsonpath={.spec.apiEndpoint})" = \
		https://127.0.0.1:16443
'

test_expect_success 'an invalid name is refused' '
	expect_code 1 tugctl join Member_1 --cluster-kubeconfig token.kubeconfig 2>err &&
	expect_contains err "name: Invalid value: \"Member_1\": a lowercase RFC 1123 label" &&
	expect_code 1 tugctl join a-name-that-is-far-too-long-for-a-karmada-cluster-x \
		--cluster-kubeconfig token.kubeconfig 2>err &&
	expect_contains err "must be no more than 48 characters" &&
	expect_code 2 tugctl join --cluster-kubeconfig token.kubeconfig 2>err &&
	expect_contains err "want exactly one cluster NAME" &&
	expect_code 2 tugctl join member9 2>err &&
	expect_contains err "--cluster-kubeconfig FILE is required"
'

test_expect_success 'a bad kubeconfig is refused with the field named' '
	sed "s/token: member1-token.abcdef/token: [oops]/" token.kubeconfig >bad.kubeconfig &&
	expect_code 1 tugctl join member5 --cluster-kubeconfig bad.kubeconfig 2>err &&
	expect_contains err "bad.kubeconfig: users[0].user.token: must be a string" &&
	expect_code 1 tugctl join member5 --cluster-kubeconfig token.kubeconfig \
		--cluster-context nope 2>err &&
	expect_contains err "context \"nope\" not found" &&
	sed "/server:/d" token.kubeconfig >bad2.kubeconfig &&
	expect_code 1 tugctl join member5 --cluster-kubeconfig bad2.kubeconfig 2>err &&
	expect_contains err "clusters[0].cluster.server: Required value" &&
	expect_code 1 tugctl join member5 --cluster-kubeconfig missing.kubeconfig 2>err &&
	expect_contains err "cannot read \"missing.kubeconfig\"" &&
	expect_code 1 kubectl get cluster member5 2>/dev/null &&
	expect_code 1 kubectl get secret -n karmada-cluster member5 2>/dev/null
'

test_expect_success 'unjoin removes the Cluster and its Secret' '
	tugctl unjoin member1 >out &&
	test "$(cat out)" = "cluster(member1) is unjoined successfully" &&
	expect_code 1 kubectl get cluster member1 2>/dev/null &&
	expect_code 1 kubectl get secret -n karmada-cluster member1 2>/dev/null &&
	kubectl get cluster member2 -o name
'

test_expect_success 'unjoin of an unknown cluster fails clearly' '
	expect_code 1 tugctl unjoin member1 2>err &&
	expect_contains err "cluster(member1) is not joined" &&
	expect_code 1 tugctl unjoin nosuch 2>err &&
	expect_contains err "cluster(nosuch) is not joined"
'

test_expect_success 'a member can be joined again after unjoin' '
	tugctl join member1 --cluster-kubeconfig token.kubeconfig &&
	kubectl get secret -n karmada-cluster member1 -o name
'

test_expect_success 'join recreates the karmada-cluster namespace if deleted' '
	tugctl unjoin member2 && tugctl unjoin member3 && tugctl unjoin member4 &&
	tugctl unjoin member1 &&
	kubectl delete namespace karmada-cluster --wait=false &&
	for i in $(seq 100); do
		kubectl get namespace karmada-cluster >/dev/null 2>&1 || break
		sleep 0.1
	done &&
	expect_code 1 kubectl get namespace karmada-cluster 2>/dev/null &&
	tugctl join member1 --cluster-kubeconfig token.kubeconfig &&
	kubectl get namespace karmada-cluster -o name &&
	kubectl get secret -n karmada-cluster member1 -o name
'

test_expect_success 'tugctl finds tugd via --kubeconfig, KUBECONFIG and ./tugboat-data' '
	cp "$TUGD_KC" elsewhere.kubeconfig &&
	mkdir -p away && cd away &&
	(unset KUBECONFIG &&
	 expect_code 1 tugctl unjoin member1 2>err &&
	 expect_contains err "no kubeconfig: pass --kubeconfig FILE, set KUBECONFIG" &&
	 tugctl join via-flag --kubeconfig ../elsewhere.kubeconfig \
		--cluster-kubeconfig ../token.kubeconfig &&
	 KUBECONFIG=/nonexistent:../elsewhere.kubeconfig tugctl unjoin via-flag &&
	 expect_code 1 env KUBECONFIG=/nonexistent tugctl unjoin member1 2>err &&
	 expect_contains err "no file of KUBECONFIG=\"/nonexistent\" exists" &&
	 cd .. &&
	 tugctl join via-default --cluster-kubeconfig token.kubeconfig &&
	 tugctl unjoin via-default)
'

test_expect_success 'an unreachable tugd is a clear error' '
	cat >dead.kubeconfig <<-EOF &&
	current-context: c
	clusters: [{name: k, cluster: {server: "http://127.0.0.1:1"}}]
	contexts: [{name: c, context: {cluster: k}}]
	EOF
	expect_code 1 tugctl unjoin member1 --kubeconfig dead.kubeconfig 2>err &&
	expect_contains err "cannot reach http://127.0.0.1:1 (kubeconfig dead.kubeconfig)"
'

test_done
