package configs

import (
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

const manifestDir = "kubernetes"

// workload is a pod template with where it came from.
type workload struct {
	name      string
	longLived bool // a Deployment: probed; a CronJob's check is not
	labels    map[string]string
	pod       corev1.PodSpec
}

func workloads(docs []document) []workload {
	var ws []workload
	for _, d := range docs {
		switch o := d.Obj.(type) {
		case *appsv1.Deployment:
			ws = append(ws, workload{d.String() + " " + o.Name, true, o.Spec.Template.Labels, o.Spec.Template.Spec})
		case *batchv1.CronJob:
			t := o.Spec.JobTemplate.Spec.Template
			ws = append(ws, workload{d.String() + " " + o.Name, false, t.Labels, t.Spec})
		}
	}
	return ws
}

func mustLoad(t *testing.T) []document {
	t.Helper()
	docs, err := loadManifests(manifestDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(workloads(docs)) < 2 {
		t.Fatalf("found %d workloads in %s, want the serve Deployment and the check CronJob", len(workloads(docs)), manifestDir)
	}
	return docs
}

// TestEveryDocumentDecodesStrictly is the test's point: every document is
// its API type with no unknown field (loadManifests fails otherwise).
func TestEveryDocumentDecodesStrictly(t *testing.T) {
	for _, d := range mustLoad(t) {
		t.Log(d)
	}
}

// TestStrictDecodingRejectsAMisspeltField: the check above can fail.
func TestStrictDecodingRejectsAMisspeltField(t *testing.T) {
	for name, doc := range map[string]string{
		"misspelt field": "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  selectr: {app: x}\n",
		"nested typo":    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: i, readinesProbe: {}}]\n",
		"duplicate key":  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\nmetadata: {name: y}\n",
		"unknown kind":   "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
	} {
		if _, _, err := decodeStrict([]byte(doc)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// TestImageIsTheOneMakeImageBuilds: every container runs IMAGE_REPO (the
// Makefile's) at a pinned tag.
func TestImageIsTheOneMakeImageBuilds(t *testing.T) {
	repo, err := makeVar("../Makefile", "IMAGE_REPO")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range workloads(mustLoad(t)) {
		for _, c := range w.pod.Containers {
			r, tag, _ := strings.Cut(c.Image, ":")
			if r != repo || tag == "" || tag == "latest" || strings.Contains(tag, "@") {
				t.Errorf("%s container %s: image %q, want %s:TAG (make image's repository, a pinned tag)", w.name, c.Name, c.Image, repo)
			}
		}
	}
}

func TestPodsRunLockedDown(t *testing.T) {
	for _, w := range workloads(mustLoad(t)) {
		ps := w.pod.SecurityContext
		if ps == nil || ps.RunAsNonRoot == nil || !*ps.RunAsNonRoot {
			t.Errorf("%s: pod securityContext.runAsNonRoot is not true", w.name)
		}
		if ps != nil && (ps.RunAsUser == nil || *ps.RunAsUser == 0) {
			t.Errorf("%s: pod securityContext.runAsUser is not a nonroot id", w.name)
		}
		for _, c := range w.pod.Containers {
			sc := c.SecurityContext
			switch {
			case sc == nil:
				t.Errorf("%s container %s: no securityContext", w.name, c.Name)
				continue
			case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
				t.Errorf("%s container %s: readOnlyRootFilesystem is not true", w.name, c.Name)
			case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
				t.Errorf("%s container %s: allowPrivilegeEscalation is not false", w.name, c.Name)
			case sc.Capabilities == nil || len(sc.Capabilities.Drop) != 1 || sc.Capabilities.Drop[0] != "ALL" || len(sc.Capabilities.Add) > 0:
				t.Errorf("%s container %s: capabilities are not drop [ALL]", w.name, c.Name)
			}
			if sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
				t.Errorf("%s container %s: runAsNonRoot false overrides the pod's", w.name, c.Name)
			}
			if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
				t.Errorf("%s container %s: resources lack a cpu and memory request or a memory limit: %+v", w.name, c.Name, c.Resources)
			}
		}
	}
}

// TestLongLivedContainersAreProbedOnHealthz: serve's /healthz turns 503 while
// draining; readiness and liveness both ask it, on the exporter's port.
func TestLongLivedContainersAreProbedOnHealthz(t *testing.T) {
	for _, w := range workloads(mustLoad(t)) {
		if !w.longLived {
			continue
		}
		for _, c := range w.pod.Containers {
			for name, p := range map[string]*corev1.Probe{"readinessProbe": c.ReadinessProbe, "livenessProbe": c.LivenessProbe} {
				if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != "/healthz" {
					t.Errorf("%s container %s: %s is not an HTTP GET of /healthz", w.name, c.Name, name)
					continue
				}
				if containerPort(c, p.HTTPGet.Port) == 0 {
					t.Errorf("%s container %s: %s port %s is none of the container's", w.name, c.Name, name, p.HTTPGet.Port.String())
				}
			}
		}
	}
}

// containerPort resolves a named or numbered port of c; 0 if c has none.
func containerPort(c corev1.Container, p intstr.IntOrString) int32 {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.ContainerPort
		}
	}
	return 0
}

// TestNetworkPoliciesOpenOnlyTheReceiverAndExporterPorts: each workload's
// pods are selected by a policy with Ingress; that policy lets the notifier's
// network reach the receiver port and Prometheus pods the exporter port,
// and nothing else: no rule without ports or without peers.
func TestNetworkPoliciesOpenOnlyTheReceiverAndExporterPorts(t *testing.T) {
	docs := mustLoad(t)
	var policies []*networkingv1.NetworkPolicy
	for _, d := range docs {
		if p, ok := d.Obj.(*networkingv1.NetworkPolicy); ok {
			policies = append(policies, p)
		}
	}
	for _, w := range workloads(docs) {
		var mine []*networkingv1.NetworkPolicy
		for _, p := range policies {
			if selects(p.Spec.PodSelector, w.labels) {
				mine = append(mine, p)
			}
		}
		if len(mine) == 0 {
			t.Errorf("%s: no NetworkPolicy selects its pods", w.name)
			continue
		}
		c := w.pod.Containers[0]
		opened := map[string]bool{}
		for _, p := range mine {
			hasIngress := false
			for _, pt := range p.Spec.PolicyTypes {
				hasIngress = hasIngress || pt == networkingv1.PolicyTypeIngress
			}
			if !hasIngress {
				t.Errorf("%s: NetworkPolicy %s does not restrict ingress", w.name, p.Name)
			}
			for i, rule := range p.Spec.Ingress {
				if len(rule.Ports) == 0 || len(rule.From) == 0 {
					t.Errorf("%s: NetworkPolicy %s rule %d opens every port or to everyone", w.name, p.Name, i+1)
					continue
				}
				for _, port := range rule.Ports {
					if port.Port == nil {
						t.Errorf("%s: NetworkPolicy %s rule %d opens every port", w.name, p.Name, i+1)
						continue
					}
					name := portName(c, *port.Port)
					switch name {
					case "receiver":
						for _, peer := range rule.From {
							if peer.IPBlock == nil || peer.PodSelector != nil || peer.NamespaceSelector != nil {
								t.Errorf("%s: NetworkPolicy %s opens the receiver port to more than the notifier's network", w.name, p.Name)
							}
						}
					case "http":
						for _, peer := range rule.From {
							if peer.IPBlock != nil || peer.PodSelector == nil || peer.PodSelector.MatchLabels["app.kubernetes.io/name"] != "prometheus" || peer.NamespaceSelector == nil {
								t.Errorf("%s: NetworkPolicy %s opens the exporter port to more than Prometheus", w.name, p.Name)
							}
						}
					default:
						t.Errorf("%s: NetworkPolicy %s opens port %s, neither the receiver nor the exporter", w.name, p.Name, port.Port.String())
					}
					opened[name] = true
				}
			}
		}
		if !opened["receiver"] {
			t.Errorf("%s: no NetworkPolicy lets the notifier reach the receiver port", w.name)
		}
		if w.longLived && !opened["http"] {
			t.Errorf("%s: no NetworkPolicy lets Prometheus reach the exporter port", w.name)
		}
	}
}

// portName is the container port's name for a policy's named or numbered port.
func portName(c corev1.Container, p intstr.IntOrString) string {
	for _, cp := range c.Ports {
		if (p.Type == intstr.String && cp.Name == p.StrVal) || (p.Type == intstr.Int && cp.ContainerPort == p.IntVal) {
			return cp.Name
		}
	}
	return p.String()
}

func selects(sel metav1.LabelSelector, labels map[string]string) bool {
	if len(sel.MatchExpressions) > 0 {
		return false // not used here; refuse rather than guess
	}
	for k, v := range sel.MatchLabels {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// TestServicesTargetContainerPorts: a Service's targetPort names a port the
// selected pods have (a renamed port would leave it answering nothing).
func TestServicesTargetContainerPorts(t *testing.T) {
	docs := mustLoad(t)
	for _, d := range docs {
		s, ok := d.Obj.(*corev1.Service)
		if !ok {
			continue
		}
		found := false
		for _, w := range workloads(docs) {
			if !selects(metav1.LabelSelector{MatchLabels: s.Spec.Selector}, w.labels) {
				continue
			}
			found = true
			for _, sp := range s.Spec.Ports {
				if containerPort(w.pod.Containers[0], sp.TargetPort) == 0 {
					t.Errorf("Service %s port %s: targetPort %s is not a port of %s", s.Name, sp.Name, sp.TargetPort.String(), w.name)
				}
			}
		}
		if !found {
			t.Errorf("Service %s selects no workload", s.Name)
		}
	}
}

// TestServeListensOnTheContainerPorts: the ConfigMap's serve.listen and
// serve.receiver-listen are the ports the Deployment declares, probes and
// the NetworkPolicy name.
func TestServeListensOnTheContainerPorts(t *testing.T) {
	docs := mustLoad(t)
	var cfg struct {
		Serve struct {
			Listen         string `json:"listen"`
			ReceiverListen string `json:"receiver-listen"`
		} `json:"serve"`
	}
	var serve *workload
	for _, w := range workloads(docs) {
		if w.longLived {
			serve = &w
		}
	}
	for _, d := range docs {
		if cm, ok := d.Obj.(*corev1.ConfigMap); ok && cm.Data["config.yaml"] != "" {
			if err := yaml.Unmarshal([]byte(cm.Data["config.yaml"]), &cfg); err != nil {
				t.Fatalf("ConfigMap %s config.yaml: %v", cm.Name, err)
			}
		}
	}
	if serve == nil || cfg.Serve.Listen == "" || cfg.Serve.ReceiverListen == "" {
		t.Fatalf("no serve Deployment or no serve.listen/receiver-listen in its ConfigMap")
	}
	for name, addr := range map[string]string{"http": cfg.Serve.Listen, "receiver": cfg.Serve.ReceiverListen} {
		port := containerPort(serve.pod.Containers[0], intstr.FromString(name))
		if !strings.HasSuffix(addr, ":"+strconv.Itoa(int(port))) {
			t.Errorf("serve listens for %s on %q, the container declares port %d", name, addr, port)
		}
	}
}
