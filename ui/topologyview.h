#pragma once

#include <QGraphicsView>

namespace hopscope {

class TopologyScene;

// The map's viewport: wheel zoom within limits, drag to pan, and fit to the window
// until the user chooses a zoom of their own.
class TopologyView final : public QGraphicsView {
    Q_OBJECT
public:
    static constexpr qreal MinZoom = 0.25;
    static constexpr qreal MaxZoom = 4.0;

    explicit TopologyView(TopologyScene* scene, QWidget* parent = nullptr);

    qreal zoom() const;
    // True while the map follows the window size; any explicit zoom ends it, fit restores it.
    bool isFitting() const { return m_fitting; }

public slots:
    void zoomIn();
    void zoomOut();
    void setZoom(qreal zoom);
    void fitToWindow();

signals:
    void zoomChanged(qreal zoom);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void applyZoom(qreal zoom);
    void applyFit();

    TopologyScene* m_scene;
    bool m_fitting = true;
};

} // namespace hopscope
