#pragma once

#include "environment.h"
#include "hopstatus.h"

#include <QGraphicsItem>
#include <QList>
#include <QString>

namespace hopscope {

class EdgeItem;

// One hop on the map: a card with the kind's glyph, the title, the kind, the key figure
// and a status badge; a pill on top for the likely cause (heavy outline) or a symptom.
// It draws what it was given; the scene decides what that is.
class HopItem final : public QGraphicsItem {
public:
    enum { Type = UserType + 1 };

    explicit HopItem(const Hop& hop);

    int type() const override { return Type; }

    QString hopId() const { return m_id; }
    // The environment's lane when the map shows several; empty when it shows one.
    QString lane() const { return m_lane; }
    void setLane(const QString& lane) { m_lane = lane; }
    QString title() const { return m_title; }
    HopKind kind() const { return m_kind; }
    const HopState& state() const { return m_state; }
    HopStatus status() const { return m_state.status; }
    HopRole role() const { return m_state.role; }
    // What the card's bottom lines say: the figure, or "not probed yet".
    QString keyFigure() const;
    void setState(const HopState& state);
    // Faded behind the hop a walkthrough is explaining; keeps the stale fade underneath.
    void setDimmed(bool dimmed);
    bool isDimmed() const { return m_dimmed; }
    // 0..1, advanced by the scene while a probe is in flight: the badge's ring turns.
    void setPulsePhase(qreal phase);

    void addEdge(EdgeItem* edge);
    // Where links leave and arrive, in scene coordinates.
    QPointF inPort() const;
    QPointF outPort() const;

    static QSizeF cardSize();
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

protected:
    QVariant itemChange(GraphicsItemChange change, const QVariant& value) override;

private:
    QRectF cardRect() const;
    void paintCard(QPainter& painter, const QPalette& palette) const;
    void paintGlyph(QPainter& painter, const QPalette& palette, const QRectF& tile) const;
    void paintText(QPainter& painter, const QPalette& palette) const;
    void paintRolePill(QPainter& painter, const QPalette& palette) const;
    void paintPulse(QPainter& painter, const QRectF& badge) const;
    void updateToolTip();

    QString m_id;
    QString m_lane;
    QString m_title;
    QString m_kindName;
    HopKind m_kind;
    int m_checkCount;
    HopState m_state;
    qreal m_pulsePhase = 0;
    bool m_dimmed = false;
    QList<EdgeItem*> m_edges;
};

} // namespace hopscope
