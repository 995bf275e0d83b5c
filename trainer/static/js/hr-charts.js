// Draws the HR report charts from the JSON in data-charts (no inline scripts: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("hr-charts");
  if (!holder || typeof Chart === "undefined") return;
  const data = JSON.parse(holder.dataset.charts);
  const common = { responsive: true, maintainAspectRatio: false, animation: false };

  new Chart(document.getElementById("chart-completion"), {
    type: "line",
    data: {
      labels: data.completion.labels,
      datasets: [{ label: data.text.completed, data: data.completion.values,
                   borderColor: "#2f6f4f", backgroundColor: "#c6efce", fill: true }],
    },
    options: common,
  });

  new Chart(document.getElementById("chart-pass-rate"), {
    type: "bar",
    data: {
      labels: data.pass_rate.labels,
      datasets: [{ label: data.text.pass_rate, data: data.pass_rate.values,
                   backgroundColor: "#4a7fb0" }],
    },
    options: { ...common, indexAxis: "y", scales: { x: { min: 0, max: 100 } } },
  });

  const departments = data.departments;
  new Chart(document.getElementById("chart-departments"), {
    type: "bar",
    data: {
      labels: departments.labels,
      datasets: Object.keys(departments.series).map((state) => ({
        label: departments.series_labels[state],
        data: departments.series[state],
        backgroundColor: departments.colours[state],
      })),
    },
    options: { ...common, scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  holder.dataset.drawn = "true";
});
